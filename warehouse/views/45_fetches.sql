-- fetches: every URL fetched from the web (feeds, sitemaps, articles), per run.
-- reason: null when fetched; else http_NNN, timeout, too_large, robots_disallowed,
-- blocked_address, not_html, redirect_loop, connection_error, bad_feed, bad_sitemap.
CREATE OR REPLACE VIEW fetches AS
SELECT
    url,
    kind,
    source,
    fetched_at,
    final_url,
    http_status,
    reason,
    etag,
    last_modified,
    warc,
    run_id
FROM read_parquet('${tables}/fetches/*.parquet', hive_partitioning = false);
