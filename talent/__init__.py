"""talent: who the people are. Candidates, their publications, venues and specialties."""
