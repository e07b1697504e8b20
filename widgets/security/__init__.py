"""Sign-in, idle lock, admin tools and permission-driven hiding of actions (rules live in console.security)."""
