"""Services of the talent app: every state change (style.md, "Where logic lives")."""
