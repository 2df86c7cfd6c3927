"""crm: who hires and where each candidate stands (companies, openings, pipeline, scores)."""
