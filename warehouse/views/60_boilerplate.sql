-- boilerplate: lines of site furniture (disclaimers, newsletter pitches, comment widgets) that
-- recur on many articles of one site and are left out of article bodies.
-- pages: articles of the site that carry the line; share: pages / all articles of the site.
CREATE OR REPLACE VIEW boilerplate AS
WITH site_articles AS (
    SELECT site, count(DISTINCT article_id) AS site_articles
    FROM paragraphs
    WHERE article_id IS NOT NULL AND status IN ('kept', 'boilerplate')
    GROUP BY site
)
SELECT
    furniture.site,
    furniture.text_key,
    min(furniture.text) AS text,
    count(DISTINCT furniture.article_id) AS pages,
    any_value(site_articles.site_articles) AS site_articles,
    round(count(DISTINCT furniture.article_id) / any_value(site_articles.site_articles), 3) AS share
FROM paragraphs AS furniture
JOIN site_articles USING (site)
WHERE furniture.reason = 'site_boilerplate'
GROUP BY furniture.site, furniture.text_key;
