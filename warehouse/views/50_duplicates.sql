-- duplicates: every page dropped as a copy of an archived article, beside the article it copies.
-- reason: exact_duplicate (same normalised body) | near_duplicate (MinHash Jaccard >= threshold)
-- | contained_copy (most of its words are in the survivor's paragraphs: a trimmed, re-leded or
-- edited copy; [dedup] containment_threshold);
-- similarity: the estimated Jaccard similarity of the two bodies (1.0 for exact copies);
-- containment: the share of the copy's kept words found in the survivor (null for copies
-- archived before it was measured).
CREATE OR REPLACE VIEW duplicates AS
SELECT
    copy.article_id AS survivor_id,
    survivor.title AS survivor_title,
    survivor.url AS survivor_url,
    survivor.site AS survivor_site,
    copy.page_id,
    copy.url,
    copy.site,
    copy.reason,
    copy.similarity,
    copy.containment,
    copy.fetched_at,
    copy.run_id
FROM pages AS copy
LEFT JOIN articles AS survivor ON survivor.article_id = copy.article_id
WHERE copy.status = 'duplicate';
