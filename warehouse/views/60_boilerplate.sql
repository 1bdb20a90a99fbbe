-- boilerplate: lines of site furniture (disclaimers, newsletter pitches, comment widgets) left
-- out of article bodies, one row per site and line.
-- pages: articles of the site that carry the line; share: pages / the site's stories (an
-- article and its copies on the site count once);
-- reasons: site_boilerplate (recurs across the site), page_furniture (a furniture label and
-- what follows it at the end of a page) and/or reading_time ("6 min read" anywhere).
CREATE OR REPLACE VIEW boilerplate AS
WITH site_articles AS (
    SELECT site, count(DISTINCT article_id) AS site_articles
    FROM paragraphs
    WHERE article_id IS NOT NULL AND status IN ('kept', 'boilerplate', 'duplicate')
    GROUP BY site
)
SELECT
    furniture.site,
    furniture.text_key,
    min(furniture.text) AS text,
    count(DISTINCT furniture.article_id) AS pages,
    any_value(site_articles.site_articles) AS site_articles,
    round(count(DISTINCT furniture.article_id) / any_value(site_articles.site_articles), 3) AS share,
    list_sort(list(DISTINCT furniture.reason)) AS reasons
FROM paragraphs AS furniture
JOIN site_articles USING (site)
WHERE furniture.status = 'boilerplate' AND furniture.article_id IS NOT NULL
GROUP BY furniture.site, furniture.text_key;
