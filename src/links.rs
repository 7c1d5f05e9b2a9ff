//! Source links on the rendered pages. A page links to the files it shows
//! with a path relative to `book/html`, such as
//! `../../chapters/ch05-naive-bce-nan/src/lib.rs`: that works in a checkout,
//! where the sources sit beside the HTML, but not on a published site. When
//! book.toml sets `output.html.git-repository-url`, the `book` binary rewrites
//! those links, after mdBook has rendered the pages, to the file on the
//! repository's `main` branch (`{url}/blob/main/{path}`). A stock
//! `mdbook build` does not, and keeps the relative links.

use std::path::Path;

/// The branch the rewritten links point at (the branch the Pages workflow
/// publishes from).
pub const BRANCH: &str = "main";

/// What a source link starts with: the repository root, seen from a page at
/// the top of `book/html`.
const UP_TO_REPO: &str = "../../";

/// `output.html.git-repository-url`, if book.toml (or the environment
/// variable `MDBOOK_OUTPUT__HTML__GIT_REPOSITORY_URL`, which mdBook reads
/// when it loads the book) sets it to something other than blank.
pub fn repository_url(config: &mdbook_driver::config::Config) -> anyhow::Result<Option<String>> {
    let url: Option<String> = config.get("output.html.git-repository-url")?;
    Ok(url
        .map(|u| u.trim().trim_end_matches('/').to_string())
        .filter(|u| !u.is_empty()))
}

/// The HTML with every `href="../../PATH"` (a file of the repository)
/// pointing at `{repo_url}/blob/main/PATH` instead. Other links are left as
/// they are. mdBook writes double quotes; hand-written HTML in a page may use
/// single ones.
pub fn rewrite_source_links(html: &str, repo_url: &str) -> String {
    let repo_url = repo_url.trim_end_matches('/');
    let once = rewrite_quoted(html, '"', repo_url);
    rewrite_quoted(&once, '\'', repo_url)
}

fn rewrite_quoted(html: &str, quote: char, repo_url: &str) -> String {
    let needle = format!("href={quote}{UP_TO_REPO}");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        out.push_str(&rest[..i]);
        out.push_str(&format!("href={quote}"));
        rest = &rest[i + needle.len()..];
        // `../../../x` leaves the repository: not a source link.
        if rest.starts_with("../") {
            out.push_str(UP_TO_REPO);
        } else {
            out.push_str(&format!("{repo_url}/blob/{BRANCH}/"));
        }
    }
    out.push_str(rest);
    out
}

/// Rewrites the source links of every `.html` file at the top of `dir` (where
/// mdBook writes the pages) and returns how many links it changed.
pub fn rewrite_dir(dir: &Path, repo_url: &str) -> std::io::Result<usize> {
    let mut changed = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(&path)?;
        let new = rewrite_source_links(&html, repo_url);
        if new != html {
            changed += new.matches(&format!("/blob/{BRANCH}/")).count()
                - html.matches(&format!("/blob/{BRANCH}/")).count();
            std::fs::write(&path, new)?;
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://github.com/someone/act-loss-book";

    #[test]
    fn source_links_point_at_the_repository() {
        let page = r#"<p><a href="../../chapters/ch05-naive-bce-nan/src/lib.rs">lib</a>
<div class="listing"><a href="../../shared/src/losses.rs">shared/src/losses.rs</a></div>"#;
        let out = rewrite_source_links(page, &format!("{URL}/"));
        assert_eq!(
            out,
            format!(
                r#"<p><a href="{URL}/blob/main/chapters/ch05-naive-bce-nan/src/lib.rs">lib</a>
<div class="listing"><a href="{URL}/blob/main/shared/src/losses.rs">shared/src/losses.rs</a></div>"#
            )
        );
    }

    #[test]
    fn other_links_are_left_alone() {
        let page = r#"<a href="ch06-class-weighting.html#try-this">next</a>
<img src="../../x.svg"><a href="../x.html">up</a><a href="../../../out.rs">out</a>
<a href="https://example.com/../../x">ext</a>"#;
        assert_eq!(rewrite_source_links(page, URL), page);
    }

    #[test]
    fn single_quoted_links_are_rewritten_too() {
        let page = "<a href='../../shared/src/nn.rs'>nn</a> <a href=\"../../Cargo.toml\">c</a>";
        assert_eq!(
            rewrite_source_links(page, URL),
            format!(
                "<a href='{URL}/blob/main/shared/src/nn.rs'>nn</a> \
                 <a href=\"{URL}/blob/main/Cargo.toml\">c</a>"
            )
        );
    }

    #[test]
    fn a_blank_url_counts_as_unset() {
        let mut config = mdbook_driver::config::Config::default();
        assert_eq!(repository_url(&config).unwrap(), None);
        config.set("output.html.git-repository-url", "  ").unwrap();
        assert_eq!(repository_url(&config).unwrap(), None);
        config
            .set("output.html.git-repository-url", format!("{URL}/"))
            .unwrap();
        assert_eq!(repository_url(&config).unwrap().as_deref(), Some(URL));
    }
}
