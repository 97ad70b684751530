-- (a) without visibility: a page of 50 actions of a partnership by due date, with lead person,
-- lead organisation and board, and one more row to learn whether a next page exists.
SELECT a.id, a.title, a.due_date, p.name, o.name, b.name
FROM action a
LEFT JOIN person p ON p.id = a.lead_person_id
LEFT JOIN organisation o ON o.id = a.lead_organisation_id
LEFT JOIN board b ON b.id = a.board_id
WHERE a.partnership_id = :partnership
ORDER BY a.due_date NULLS LAST, a.id
LIMIT 51;
