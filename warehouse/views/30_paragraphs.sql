-- paragraphs: every paragraph seen on article and error pages, in page order, with its fate.
-- status: kept | repeated | boilerplate | error_text; the kept ones in order make the body.
CREATE OR REPLACE VIEW paragraphs AS
SELECT
    page_id,
    article_id,
    position,
    text,
    status,
    reason
FROM read_parquet('${tables}/paragraphs/**/*.parquet', hive_partitioning = false);
