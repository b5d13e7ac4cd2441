"""Claims written many at once into articles whose body is final are checked against it by a
statement-level trigger (claims.models.SPAN_CHECK_BY_STATEMENT_SQL) instead of one deferred
check per row; the span functions share one pass (_span_sql_0030)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from claims.migrations._span_sql_0021 import SPAN_FUNCTION_SQL as SPAN_FUNCTION_SQL_0021
from claims.migrations._span_sql_0030 import SPAN_AMONG_SQL, SPAN_AMONG_SQL_REVERSE


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0029_merge_limits_and_matching_tables"),
    ]

    operations = [
        migrations.RunSQL(SPAN_AMONG_SQL, SPAN_FUNCTION_SQL_0021 + SPAN_AMONG_SQL_REVERSE),
        pgtrigger.migrations.RemoveTrigger(
            model_name="claim",
            name="claim_span_matches_body",
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="claim_span_matches_body",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (NOT (current_setting('claims.span_check_by_statement', true) IS NOT DISTINCT FROM 'on'))",
                    constraint="CONSTRAINT",
                    func='\n    DECLARE cur record; art bigint; lost boolean; bad record;\n    BEGIN\n        IF current_setting(\'claims.span_check_batch\', true) = \'on\' THEN\n            IF to_regclass(\'pg_temp.claims_span_checked\') IS NOT NULL THEN\n                PERFORM 1 FROM pg_temp.claims_span_checked k\n                  JOIN claims_claim c ON c.id = k.id AND c.ctid = k.row_version\n                 WHERE k.id = NEW.id;\n                IF FOUND THEN\n                    RETURN NULL;\n                END IF;\n            END IF;\n            SELECT c.article_id, c.start IS NULL AS lost INTO art, lost\n              FROM claims_claim c WHERE c.id = NEW.id;\n            IF NOT FOUND OR lost THEN\n                RETURN NULL;\n            END IF;\n            SELECT * INTO bad FROM claims_span_first_mismatch(art, TRUE);\n            IF bad.claim_id IS NULL THEN\n                RETURN NULL;\n            END IF;\n            SELECT bad.claim_id AS id, bad.claim_start AS start, bad.claim_end AS "end",\n                   bad.outside, bad.body_chars INTO cur;\n        ELSE\n            -- Deferred: check the row as it stands at commit, not as this event saw it; a claim\n            -- (or its article) deleted later in the same transaction has nothing left to check,\n            -- and a lost claim (no span in the current body) has no span to check.\n            SELECT c.id, c.start, c."end", c."end" > char_length(a.body) AS outside,\n                   char_length(a.body) AS body_chars,\n                   substr(a.body, c.start + 1, c."end" - c.start) IS NOT DISTINCT FROM c.quote\n                   AS matches\n              INTO cur\n              FROM claims_claim c JOIN claims_article a ON a.id = c.article_id\n             WHERE c.id = NEW.id;\n            IF NOT FOUND OR cur.start IS NULL OR (NOT cur.outside AND cur.matches) THEN\n                RETURN NULL;\n            END IF;\n        END IF;\n        PERFORM claims_span_violation(cur.id, cur.start, cur."end", cur.outside, cur.body_chars);\n        RETURN NULL;\n    END;\n',
                    hash="f51c7b9fac1155558804ce25314704c65805d7fc",
                    operation="INSERT OR UPDATE",
                    pgid="pgtrigger_claim_span_matches_body_b1619",
                    table="claims_claim",
                    timing="DEFERRABLE INITIALLY DEFERRED",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="claims_inserted_span_check",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (current_setting('claims.span_check_by_statement', true) IS NOT DISTINCT FROM 'on')",
                    func='\n    DECLARE g record; bad record;\n    BEGIN\n        FOR g IN SELECT n.article_id, array_agg(n.id ORDER BY n.id) AS ids,\n                        array_agg(n.start ORDER BY n.id) AS starts,\n                        array_agg(n."end" ORDER BY n.id) AS ends,\n                        array_agg(n.quote ORDER BY n.id) AS quotes\n                   FROM changed n WHERE n.start IS NOT NULL GROUP BY n.article_id LOOP\n            SELECT * INTO bad\n              FROM claims_span_mismatch_among(g.article_id, g.ids, g.starts, g.ends, g.quotes);\n            IF bad.claim_id IS NOT NULL THEN\n                PERFORM claims_span_violation(bad.claim_id, bad.claim_start, bad.claim_end,\n                                              bad.outside, bad.body_chars);\n            END IF;\n        END LOOP;\n        RETURN NULL;\n    END;\n',
                    hash="c4565af3c85fbae4af5f260361ea342f032edfec",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_claims_inserted_span_check_e89e4",
                    referencing="REFERENCING NEW TABLE AS changed ",
                    table="claims_claim",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="claims_updated_span_check",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (current_setting('claims.span_check_by_statement', true) IS NOT DISTINCT FROM 'on')",
                    func='\n    DECLARE g record; bad record;\n    BEGIN\n        FOR g IN SELECT n.article_id, array_agg(n.id ORDER BY n.id) AS ids,\n                        array_agg(n.start ORDER BY n.id) AS starts,\n                        array_agg(n."end" ORDER BY n.id) AS ends,\n                        array_agg(n.quote ORDER BY n.id) AS quotes\n                   FROM changed n WHERE n.start IS NOT NULL GROUP BY n.article_id LOOP\n            SELECT * INTO bad\n              FROM claims_span_mismatch_among(g.article_id, g.ids, g.starts, g.ends, g.quotes);\n            IF bad.claim_id IS NOT NULL THEN\n                PERFORM claims_span_violation(bad.claim_id, bad.claim_start, bad.claim_end,\n                                              bad.outside, bad.body_chars);\n            END IF;\n        END LOOP;\n        RETURN NULL;\n    END;\n',
                    hash="5bc5e55f6f3dab0c17e4f75417eb4bb624c7aff6",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_claims_updated_span_check_5fdc9",
                    referencing="REFERENCING NEW TABLE AS changed ",
                    table="claims_claim",
                    when="AFTER",
                ),
            ),
        ),
    ]
