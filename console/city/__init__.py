"""City platform connector (12345 热线 / 一网统管 城运派单): work orders in as cases, status and results out."""
