-- (d) without visibility: a meeting's matters arising as they stood on its day (on the list, not
-- closed before the board's previous meeting), each with its latest update then, and the count.
WITH m AS (
  SELECT board_id, starts_at, (starts_at AT TIME ZONE 'Europe/London')::date AS day
  FROM meeting WHERE id = :meeting
), p AS (
  SELECT max((x.starts_at AT TIME ZONE 'Europe/London')::date) AS day
  FROM meeting x, m
  WHERE x.board_id = m.board_id AND x.starts_at < m.starts_at AND x.status <> 'cancelled'
), arising AS (
  SELECT a.id, a.title, a.created_at, m.day
  FROM m, p, action a
  JOIN resolution r ON r.id = a.resolution_id
  JOIN agenda_item i ON i.id = r.agenda_item_id
  JOIN meeting e ON e.id = i.meeting_id
  WHERE e.board_id = m.board_id AND e.starts_at < m.starts_at
    AND COALESCE((SELECT u.on_matters_arising FROM action_update u
                  WHERE u.action_id = a.id AND u.on_matters_arising IS NOT NULL AND u.reported_on < m.day
                  ORDER BY u.reported_on DESC, u.created_at DESC, u.id DESC LIMIT 1), TRUE)
    AND NOT EXISTS (SELECT 1 FROM action_update u WHERE u.action_id = a.id
                    AND u.status IN ('completed', 'cancelled') AND u.reported_on < p.day)
    AND NOT (a.status <> 'open' AND NOT EXISTS (SELECT 1 FROM action_update u
                                               WHERE u.action_id = a.id AND u.status IS NOT NULL))
)
SELECT id, title,
       (SELECT u.narrative FROM action_update u WHERE u.action_id = arising.id AND u.reported_on < arising.day
        ORDER BY u.reported_on DESC, u.created_at DESC, u.id DESC LIMIT 1) AS latest,
       (SELECT count(*) FROM arising) AS total
FROM arising ORDER BY created_at, id LIMIT 51;
