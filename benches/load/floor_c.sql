-- (c) without visibility: one board's RAG summary.
SELECT count(*),
       count(*) FILTER (WHERE a.status = 'open' AND a.rag = 'red'),
       count(*) FILTER (WHERE a.status = 'open' AND a.rag = 'amber'),
       count(*) FILTER (WHERE a.status = 'open' AND a.rag = 'green')
FROM action a WHERE a.board_id = :board;
