"""Pages of exam administration by concern: sessions (sites, rooms, seats, examiners), papers
(custody, supervision, incidents, tickets PDF), scores, and the candidate's own pages."""
