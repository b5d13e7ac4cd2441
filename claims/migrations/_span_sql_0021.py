"""The one-pass span check of migration 0009, leaving out lost claims (no span) from 0021."""

SPAN_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION claims_span_first_mismatch(p_article bigint, p_record boolean)
RETURNS TABLE (claim_id bigint, claim_start integer, claim_end integer, outside boolean,
               body_chars integer)
LANGUAGE plpgsql AS $fn$
DECLARE
    txt text;
    bytes bytea;
    nchars integer;
    offs integer[];
    c record;
    k integer;
    b0 integer;
    sb integer;
    q bytea;
BEGIN
    SELECT a.body || '' INTO txt FROM claims_article a WHERE a.id = p_article;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    bytes := convert_to(txt, 'UTF8');
    nchars := char_length(txt);
    SELECT array_agg(t.o ORDER BY t.ord) INTO offs
      FROM (SELECT m.ord,
                   (sum(octet_length(m.piece[1])) OVER (ORDER BY m.ord)
                    - octet_length(m.piece[1]))::integer AS o
              FROM regexp_matches(txt, '(.{1,128})', 'g') WITH ORDINALITY AS m(piece, ord)) t;
    offs := coalesce(offs, ARRAY[]::integer[]) || octet_length(bytes);
    IF p_record THEN
        CREATE TEMP TABLE IF NOT EXISTS claims_span_checked (
            id bigint PRIMARY KEY, row_version tid NOT NULL
        ) ON COMMIT DROP;
    END IF;
    FOR c IN SELECT cl.id, cl.start, cl."end", cl.quote, cl.ctid
               FROM claims_claim cl WHERE cl.article_id = p_article AND cl.start IS NOT NULL
              ORDER BY cl.id LOOP
        IF c."end" > nchars THEN
            RETURN QUERY SELECT c.id::bigint, c.start::integer, c."end"::integer, TRUE, nchars;
            RETURN;
        END IF;
        k := c.start / 128;
        b0 := offs[k + 1];
        sb := b0 + octet_length(left(
            convert_from(substring(bytes FROM b0 + 1 FOR offs[k + 2] - b0), 'UTF8'),
            c.start - k * 128));
        q := convert_to(c.quote, 'UTF8');
        IF substring(bytes FROM sb + 1 FOR octet_length(q)) IS DISTINCT FROM q THEN
            RETURN QUERY SELECT c.id::bigint, c.start::integer, c."end"::integer, FALSE, nchars;
            RETURN;
        END IF;
        IF p_record THEN
            INSERT INTO pg_temp.claims_span_checked VALUES (c.id, c.ctid)
            ON CONFLICT (id) DO UPDATE SET row_version = EXCLUDED.row_version;
        END IF;
    END LOOP;
END
$fn$;
"""

SPAN_FUNCTION_SQL_BEFORE = """
CREATE OR REPLACE FUNCTION claims_span_first_mismatch(p_article bigint, p_record boolean)
RETURNS TABLE (claim_id bigint, claim_start integer, claim_end integer, outside boolean,
               body_chars integer)
LANGUAGE plpgsql AS $fn$
DECLARE
    txt text;
    bytes bytea;
    nchars integer;
    offs integer[];
    c record;
    k integer;
    b0 integer;
    sb integer;
    q bytea;
BEGIN
    SELECT a.body || '' INTO txt FROM claims_article a WHERE a.id = p_article;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    bytes := convert_to(txt, 'UTF8');
    nchars := char_length(txt);
    SELECT array_agg(t.o ORDER BY t.ord) INTO offs
      FROM (SELECT m.ord,
                   (sum(octet_length(m.piece[1])) OVER (ORDER BY m.ord)
                    - octet_length(m.piece[1]))::integer AS o
              FROM regexp_matches(txt, '(.{1,128})', 'g') WITH ORDINALITY AS m(piece, ord)) t;
    offs := coalesce(offs, ARRAY[]::integer[]) || octet_length(bytes);
    IF p_record THEN
        CREATE TEMP TABLE IF NOT EXISTS claims_span_checked (
            id bigint PRIMARY KEY, row_version tid NOT NULL
        ) ON COMMIT DROP;
    END IF;
    FOR c IN SELECT cl.id, cl.start, cl."end", cl.quote, cl.ctid
               FROM claims_claim cl WHERE cl.article_id = p_article ORDER BY cl.id LOOP
        IF c."end" > nchars THEN
            RETURN QUERY SELECT c.id::bigint, c.start::integer, c."end"::integer, TRUE, nchars;
            RETURN;
        END IF;
        k := c.start / 128;
        b0 := offs[k + 1];
        sb := b0 + octet_length(left(
            convert_from(substring(bytes FROM b0 + 1 FOR offs[k + 2] - b0), 'UTF8'),
            c.start - k * 128));
        q := convert_to(c.quote, 'UTF8');
        IF substring(bytes FROM sb + 1 FOR octet_length(q)) IS DISTINCT FROM q THEN
            RETURN QUERY SELECT c.id::bigint, c.start::integer, c."end"::integer, FALSE, nchars;
            RETURN;
        END IF;
        IF p_record THEN
            INSERT INTO pg_temp.claims_span_checked VALUES (c.id, c.ctid)
            ON CONFLICT (id) DO UPDATE SET row_version = EXCLUDED.row_version;
        END IF;
    END LOOP;
END
$fn$;
"""
