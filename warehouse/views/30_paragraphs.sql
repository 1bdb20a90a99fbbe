-- paragraphs: every paragraph seen on article and error pages, in page order, with its fate.
-- status: kept | repeated | boilerplate | error_text | duplicate; the kept ones in order make
-- the body. duplicate: a paragraph of a page that copies article_id (evidence, in no body).
-- first_seen_article_id: an earlier article that already had this paragraph (reuse, quotes).
CREATE OR REPLACE VIEW paragraphs AS
SELECT
    page_id,
    article_id,
    site,
    position,
    text,
    text_key,
    status,
    reason,
    first_seen_article_id
FROM read_parquet('${tables}/paragraphs/**/*.parquet', hive_partitioning = false);
