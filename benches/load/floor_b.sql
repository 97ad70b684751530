-- (b) without visibility: a board, its parent, its 10 latest meetings and their agenda items.
SELECT b.name, parent.name FROM board b LEFT JOIN board parent ON parent.id = b.parent_id
WHERE b.id = :board;
SELECT m.id, m.starts_at FROM meeting m WHERE m.board_id = :board
ORDER BY m.starts_at DESC, m.id DESC LIMIT 11;
SELECT i.meeting_id, i.title FROM agenda_item i
WHERE i.meeting_id IN (SELECT m.id FROM meeting m WHERE m.board_id = :board
                       ORDER BY m.starts_at DESC, m.id DESC LIMIT 10)
ORDER BY i.meeting_id, i.ordinal LIMIT 200;
