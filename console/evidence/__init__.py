"""Non-site enforcement (非现场执法): muck-truck permit registry, camera-AI rules, evidence store and packs."""
