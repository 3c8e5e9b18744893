//! URL canonicalisation for co-link: two spellings of one link must meet.

use url::Url;

/// Query parameters that identify the sharer or campaign tracker, not the content.
fn is_tracking_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_")
        || n.starts_with("mc_")
        || matches!(
            n.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "yclid"
                | "igshid"
                | "igsh"
                | "si"
                | "from"
                | "share_id"
                | "shareid"
                | "share_from"
                | "share_source"
                | "share_medium"
                | "spm"
                | "ref"
                | "ref_src"
                | "ref_url"
                | "s"
                | "t"
                | "feature"
                | "isappinstalled"
                | "wfr"
                | "scene"
                | "clicktime"
                | "enterid"
                | "sharer_shareid"
                | "sharer_sharetime"
                | "xtor"
                | "_ga"
                | "_gl"
                | "cmpid"
                | "ocid"
                | "smid"
                | "at_medium"
                | "at_campaign"
        )
}

/// WeChat article links: `mp.weixin.qq.com/s?__biz=..&mid=..&idx=..&sn=..` names an article
/// by these four parameters; everything else (`chksm`, `scene`, `srcid`, `sharer_*`,
/// `key`, `pass_ticket`, `exportkey`, `ascene`, `devicetype`, `version`, `lang`, ...)
/// differs per reader and share. Short links `mp.weixin.qq.com/s/<id>` name it by the path.
fn is_wechat_article_param(path: &str, name: &str) -> bool {
    match path {
        "/s" | "/mp/appmsg/show" => matches!(name, "__biz" | "mid" | "idx" | "sn"),
        p if p.starts_with("/s/") => false,
        _ => !is_tracking_param(name),
    }
}

/// A canonical form of `raw`: scheme and `www.` dropped, host lower-case, default port
/// and fragment removed, tracking parameters removed and the rest sorted, trailing slash
/// removed. WeChat article links keep only the parameters that name the article (see
/// `is_wechat_article_param`). Text that is not a URL is returned trimmed and lower-cased.
pub fn canonical_url(raw: &str) -> String {
    let trimmed = raw.trim();
    let parsed = Url::parse(trimmed).or_else(|_| Url::parse(&format!("http://{trimmed}")));
    let Ok(url) = parsed else {
        return trimmed.to_lowercase();
    };
    let Some(host) = url.host_str() else {
        return trimmed.to_lowercase();
    };
    if !matches!(url.scheme(), "http" | "https") {
        return url.as_str().to_string();
    }
    let host = host.strip_prefix("www.").unwrap_or(host);
    let mut out = String::with_capacity(trimmed.len());
    out.push_str(host);
    if let Some(port) = url.port() {
        out.push(':');
        out.push_str(&port.to_string());
    }
    let path = url.path().trim_end_matches('/');
    out.push_str(path);
    let wechat = host == "mp.weixin.qq.com";
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            if wechat {
                is_wechat_article_param(path, k)
            } else {
                !is_tracking_param(k)
            }
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !params.is_empty() {
        params.sort();
        out.push('?');
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &params {
            ser.append_pair(k, v);
        }
        out.push_str(&ser.finish());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_meet() {
        let forms = [
            "https://www.Example.com/news/h20-backdoor/",
            "http://example.com:80/news/h20-backdoor?utm_source=weibo&utm_medium=social",
            "HTTPS://EXAMPLE.COM/news/h20-backdoor#comments",
            "example.com/news/h20-backdoor?fbclid=abc",
            "https://example.com:443/news/h20-backdoor?from=timeline&share_id=9",
        ];
        for f in forms {
            assert_eq!(canonical_url(f), "example.com/news/h20-backdoor", "{f}");
        }
    }

    #[test]
    fn wechat_article_links_meet() {
        let a = canonical_url(
            "http://mp.weixin.qq.com/s?__biz=MzA5MDAyODcwMQ==&mid=2650000001&idx=1&sn=0123abcd&chksm=8b1c2d3e#rd",
        );
        let b = canonical_url(
            "https://mp.weixin.qq.com/s?__biz=MzA5MDAyODcwMQ%3D%3D&mid=2650000001&idx=1&sn=0123abcd&chksm=77aa&scene=21&srcid=0801xyz&sharer_shareid=abc&key=k&ascene=1&uin=MTIz&devicetype=iOS17&version=1800&lang=zh_CN&pass_ticket=p#wechat_redirect",
        );
        assert_eq!(a, b);
        assert_eq!(
            a,
            "mp.weixin.qq.com/s?__biz=MzA5MDAyODcwMQ%3D%3D&idx=1&mid=2650000001&sn=0123abcd"
        );
        // Another article of the same account stays apart.
        assert_ne!(
            a,
            canonical_url(
                "https://mp.weixin.qq.com/s?__biz=MzA5MDAyODcwMQ==&mid=2650000001&idx=2&sn=ffff"
            )
        );
        assert_eq!(
            canonical_url("https://mp.weixin.qq.com/s/AbCdEf123?from=timeline&scene=1"),
            "mp.weixin.qq.com/s/AbCdEf123"
        );
    }

    #[test]
    fn keeps_content_params_sorted() {
        assert_eq!(
            canonical_url("https://youtube.com/watch?v=abc&si=xyz&list=L1"),
            "youtube.com/watch?list=L1&v=abc"
        );
        assert_eq!(
            canonical_url("https://example.com:8080/"),
            "example.com:8080"
        );
        assert_eq!(canonical_url("not a url at all"), "not a url at all");
    }
}
