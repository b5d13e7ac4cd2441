"""The span check over a set of claims (migration 0030).

``claims_span_mismatch_among`` checks given claims of one article against its body in one pass:
the body read once, byte offsets every 128 characters from one regular-expression pass, each
claim's quote compared with the bytes at its start (as migration 0009's function did). The
statement-level triggers on claims inserted or updated call it with their transition table's rows;
``claims_span_first_mismatch`` (migration 0009, 0021) now calls it with all the spanned claims of
the article and records them, when asked, in one INSERT. ``claims_span_violation`` raises the
rule's error, the same for every caller.
"""

SPAN_AMONG_SQL = """
CREATE OR REPLACE FUNCTION claims_span_mismatch_among(
    p_article bigint, p_ids bigint[], p_starts integer[], p_ends integer[], p_quotes text[])
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
    IF coalesce(cardinality(p_ids), 0) = 0 THEN
        RETURN;
    END IF;
    SELECT a.body || '' INTO txt FROM claims_article a WHERE a.id = p_article;
    IF NOT FOUND THEN
        RETURN;  -- the foreign key's own check reports a missing article
    END IF;
    bytes := convert_to(txt, 'UTF8');
    nchars := char_length(txt);
    SELECT array_agg(t.o ORDER BY t.ord) INTO offs
      FROM (SELECT m.ord,
                   (sum(octet_length(m.piece[1])) OVER (ORDER BY m.ord)
                    - octet_length(m.piece[1]))::integer AS o
              FROM regexp_matches(txt, '(.{1,128})', 'g') WITH ORDINALITY AS m(piece, ord)) t;
    offs := coalesce(offs, ARRAY[]::integer[]) || octet_length(bytes);
    -- unnest walks the arrays once (subscripting a text[] in a loop would not be linear).
    FOR c IN SELECT u.id, u.s, u.e, u.quote
               FROM unnest(p_ids, p_starts, p_ends, p_quotes) AS u(id, s, e, quote) LOOP
        IF c.e > nchars THEN
            RETURN QUERY SELECT c.id, c.s, c.e, TRUE, nchars;
            RETURN;
        END IF;
        k := c.s / 128;
        b0 := offs[k + 1];
        sb := b0 + octet_length(left(
            convert_from(substring(bytes FROM b0 + 1 FOR offs[k + 2] - b0), 'UTF8'),
            c.s - k * 128));
        q := convert_to(c.quote, 'UTF8');
        IF substring(bytes FROM sb + 1 FOR octet_length(q)) IS DISTINCT FROM q THEN
            RETURN QUERY SELECT c.id, c.s, c.e, FALSE, nchars;
            RETURN;
        END IF;
    END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION claims_span_violation(
    p_claim bigint, p_start integer, p_end integer, p_outside boolean, p_body_chars integer)
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    IF p_outside THEN
        RAISE EXCEPTION 'claim % span [%, %) lies outside the article body (% characters)',
            p_claim, p_start, p_end, p_body_chars
            USING ERRCODE = 'check_violation', CONSTRAINT = 'claim_span_within_body';
    END IF;
    RAISE EXCEPTION 'claim % quote does not match the article body at [%, %)',
        p_claim, p_start, p_end
        USING ERRCODE = 'check_violation', CONSTRAINT = 'claim_quote_matches_body';
END
$fn$;

CREATE OR REPLACE FUNCTION claims_span_first_mismatch(p_article bigint, p_record boolean)
RETURNS TABLE (claim_id bigint, claim_start integer, claim_end integer, outside boolean,
               body_chars integer)
LANGUAGE plpgsql AS $fn$
BEGIN
    RETURN QUERY
    SELECT m.*
      FROM (SELECT array_agg(cl.id ORDER BY cl.id) AS ids,
                   array_agg(cl.start ORDER BY cl.id) AS starts,
                   array_agg(cl."end" ORDER BY cl.id) AS ends,
                   array_agg(cl.quote ORDER BY cl.id) AS quotes
              FROM claims_claim cl
             WHERE cl.article_id = p_article AND cl.start IS NOT NULL) g,
           LATERAL claims_span_mismatch_among(p_article, g.ids, g.starts, g.ends, g.quotes) m;
    IF FOUND OR NOT p_record THEN
        RETURN;
    END IF;
    CREATE TEMP TABLE IF NOT EXISTS claims_span_checked (
        id bigint PRIMARY KEY, row_version tid NOT NULL
    ) ON COMMIT DROP;
    INSERT INTO pg_temp.claims_span_checked
    SELECT cl.id, cl.ctid FROM claims_claim cl
     WHERE cl.article_id = p_article AND cl.start IS NOT NULL
        ON CONFLICT (id) DO UPDATE SET row_version = EXCLUDED.row_version;
END
$fn$;
"""

SPAN_AMONG_SQL_REVERSE = """
DROP FUNCTION IF EXISTS claims_span_violation(bigint, integer, integer, boolean, integer);
DROP FUNCTION IF EXISTS claims_span_mismatch_among(bigint, bigint[], integer[], integer[], text[]);
"""
