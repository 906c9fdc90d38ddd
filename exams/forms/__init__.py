"""Forms of exam administration by concern: sessions (sites, rooms, seats, examiners), papers
(custody, supervision, incidents) and scores. They only parse and check input; every rule is
exams.services'."""
