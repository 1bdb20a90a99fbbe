-- articles: one row per distinct article; body is the clean text, one paragraph per line.
-- modified_at: the last update the page names; section and keywords: what the page declares;
-- image_url: the picture it shares as its own (all null in files written before they existed,
-- hence union_by_name).
CREATE OR REPLACE VIEW articles AS
SELECT
    article_id,
    url,
    site,
    site_name,
    title,
    authors,
    published_at,
    modified_at,
    language,
    section,
    keywords,
    description,
    image_url,
    body,
    word_count,
    body_hash,
    first_seen_at,
    run_id
FROM read_parquet('${tables}/articles/**/*.parquet', hive_partitioning = false, union_by_name = true);
