"""Training drills (演练) and training records (培训管理): sandbox restore, case injection, scoring, scenarios."""
