//! Where a function is in a Rust source file, found by its tokens.
//!
//! `cargo exercise --reset` and the solution shown once an exercise passes
//! cut one `pub fn NAME` out of a participant's file. That file is whatever
//! their editor left: a closing brace indented, a brace inside a string or a
//! comment, Windows line endings. So the function is found as the compiler
//! would: comments, strings, raw strings and character literals are skipped
//! whole, and the body ends at the brace that matches its opening one.
//! Never a panic: a file this cannot read gives `None`.

use std::ops::Range;

/// A token's kind: what the search below needs to tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Punct(char),
    /// A string, character or number literal, or a lifetime.
    Literal,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    at: usize,
    end: usize,
}

/// The tokens of `src`, with comments and whitespace left out. `None` for an
/// unterminated comment, string or character literal.
fn tokens(src: &str) -> Option<Vec<Token>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let ident_char = |c: u8| c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80;
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b[i..].starts_with(b"//") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
            continue;
        }
        if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            loop {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else if i >= b.len() {
                    return None;
                } else {
                    i += 1;
                }
            }
            continue;
        }
        // Raw strings: r"…", r#"…"#, and with a b or c prefix.
        let prefix = match (c, b.get(i + 1)) {
            (b'r', Some(b'"' | b'#')) => 1,
            (b'b' | b'c', Some(b'r')) if matches!(b.get(i + 2), Some(b'"' | b'#')) => 2,
            _ => 0,
        };
        if prefix > 0 {
            let mut j = i + prefix;
            let hashes = b[j..].iter().take_while(|&&h| h == b'#').count();
            j += hashes;
            if b.get(j) == Some(&b'"') {
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let len = b[j + 1..].windows(close.len()).position(|w| w == close)?;
                i = j + 1 + len + close.len();
                out.push(Token {
                    kind: Kind::Literal,
                    at: start,
                    end: i,
                });
                continue;
            }
        }
        if c == b'"' || (matches!(c, b'b' | b'c') && b.get(i + 1) == Some(&b'"')) {
            i += if c == b'"' { 1 } else { 2 };
            loop {
                match b.get(i)? {
                    b'\\' => i += 2,
                    b'"' => break,
                    _ => i += 1,
                }
            }
            i += 1;
            out.push(Token {
                kind: Kind::Literal,
                at: start,
                end: i,
            });
            continue;
        }
        if c == b'\'' || (c == b'b' && b.get(i + 1) == Some(&b'\'')) {
            // A character literal ('x', '\n', '\u{1F600}', b'x'), or a
            // lifetime ('a), which has no closing quote.
            let q = if c == b'b' { i + 1 } else { i };
            let after = src.get(q + 1..)?;
            let mut chars = after.char_indices();
            let literal_end = match chars.next()? {
                (_, '\\') => after.get(2..)?.find('\'').map(|n| q + 3 + n + 1),
                (_, first) => {
                    let n = first.len_utf8();
                    (after[n..].starts_with('\'')).then_some(q + 1 + n + 1)
                }
            };
            i = match literal_end {
                Some(end) => end,
                None => {
                    let mut j = q + 1;
                    while j < b.len() && ident_char(b[j]) {
                        j += 1;
                    }
                    j
                }
            };
            out.push(Token {
                kind: Kind::Literal,
                at: start,
                end: i,
            });
            continue;
        }
        if c.is_ascii_digit() {
            while i < b.len()
                && (ident_char(b[i])
                    || (b[i] == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)))
            {
                i += 1;
            }
            out.push(Token {
                kind: Kind::Literal,
                at: start,
                end: i,
            });
            continue;
        }
        if ident_char(c) {
            while i < b.len() && ident_char(b[i]) {
                i += 1;
            }
            out.push(Token {
                kind: Kind::Ident,
                at: start,
                end: i,
            });
            continue;
        }
        let ch = src[i..].chars().next()?;
        i += ch.len_utf8();
        out.push(Token {
            kind: Kind::Punct(ch),
            at: start,
            end: i,
        });
    }
    Some(out)
}

/// Where `pub fn NAME` is in `source`: from the start of the line of its doc
/// comment and attributes, if any, to the end of the line of the brace that
/// closes its body (its line ending included). `None` if there is no such
/// function, or the file cannot be read as Rust tokens.
pub fn function_span(source: &str, name: &str) -> Option<Range<usize>> {
    let toks = tokens(source)?;
    let text = |t: &Token| &source[t.at..t.end];
    let at = (0..toks.len().saturating_sub(3)).find(|&i| {
        toks[i].kind == Kind::Ident
            && text(&toks[i]) == "pub"
            && text(&toks[i + 1]) == "fn"
            && text(&toks[i + 2]) == name
            && matches!(toks[i + 3].kind, Kind::Punct('(' | '<'))
    })?;
    // The body: the first `{` outside the parameters' brackets, to the `}`
    // that matches it.
    let mut depth = 0i32;
    let mut open = None;
    for (k, t) in toks.iter().enumerate().skip(at + 3) {
        match t.kind {
            Kind::Punct('(' | '[') => depth += 1,
            Kind::Punct(')' | ']') => depth -= 1,
            Kind::Punct('{') if depth == 0 => {
                open = Some(k);
                break;
            }
            Kind::Punct(';') if depth == 0 => return None,
            _ => {}
        }
    }
    let mut depth = 0i32;
    let mut close = None;
    for t in &toks[open?..] {
        match t.kind {
            Kind::Punct('{') => depth += 1,
            Kind::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    close = Some(t.end);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let line_start = |p: usize| source[..p].rfind('\n').map_or(0, |n| n + 1);
    // From the start of the `pub fn` line, if only indentation precedes it,
    // and back over the doc comment and attributes right above.
    let fn_at = toks[at].at;
    let mut begin = if source[line_start(fn_at)..fn_at].trim().is_empty() {
        line_start(fn_at)
    } else {
        fn_at
    };
    while begin > 0 && source[..begin].ends_with('\n') {
        let above = line_start(begin - 1);
        let line = source[above..begin].trim_start();
        if line.starts_with("///") || line.starts_with("#[") {
            begin = above;
        } else {
            break;
        }
    }
    // To the end of the closing brace's line, if nothing else is on it.
    let rest = &source[close..];
    let eol = rest.find('\n').map_or(rest.len(), |n| n + 1);
    let end = if rest[..eol].trim().is_empty() {
        close + eol
    } else {
        close
    };
    Some(begin..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMATTED: &str = "use x::y;\n\n/// Doc.\n#[allow(unused)]\npub fn f(a: u32) -> u32 {\n    a + 1\n}\n\npub fn g() {}\n";

    #[test]
    fn a_formatted_function_is_cut_from_its_doc_to_its_line_end() {
        let span = function_span(FORMATTED, "f").unwrap();
        assert_eq!(
            &FORMATTED[span],
            "/// Doc.\n#[allow(unused)]\npub fn f(a: u32) -> u32 {\n    a + 1\n}\n"
        );
        let span = function_span(FORMATTED, "g").unwrap();
        assert_eq!(&FORMATTED[span], "pub fn g() {}\n");
        assert_eq!(function_span(FORMATTED, "h"), None);
    }

    #[test]
    fn an_indented_closing_brace_is_found() {
        let src = "pub fn f() -> u32 {\n    1\n    }\npub fn g() {}\n";
        let span = function_span(src, "f").unwrap();
        assert_eq!(&src[span], "pub fn f() -> u32 {\n    1\n    }\n");
    }

    #[test]
    fn braces_in_strings_comments_and_chars_are_not_counted() {
        let src = concat!(
            "// pub fn f() { in a comment\n",
            "pub fn f() -> String {\n",
            "    let a = \"}\"; // }\n",
            "    let b = r#\"}\"#; /* } /* nested } */ } */\n",
            "    let c = '}'; let d = b'{'; let e: &'static str = \"\\\"}\";\n",
            "    let q = '\\''; let u = '\\u{7D}';\n",
            "    format!(\"{a}{b}{c}{d}{e}\")\n",
            "}\n",
            "pub fn g() {}\n",
        );
        let span = function_span(src, "f").unwrap();
        assert!(src[span.clone()].starts_with("pub fn f() -> String {\n"));
        assert!(src[span].ends_with("format!(\"{a}{b}{c}{d}{e}\")\n}\n"));
    }

    #[test]
    fn windows_line_endings_are_kept() {
        let src = FORMATTED.replace('\n', "\r\n");
        let span = function_span(&src, "f").unwrap();
        assert_eq!(
            &src[span],
            "/// Doc.\r\n#[allow(unused)]\r\npub fn f(a: u32) -> u32 {\r\n    a + 1\r\n}\r\n"
        );
    }

    #[test]
    fn unreadable_files_give_none_not_a_panic() {
        for src in [
            "pub fn f() { \"unterminated }\n",
            "pub fn f() { /* open\n}",
            "pub fn f() {\n",
            "pub fn f();\n",
            "pub fn",
            "'",
            "b'",
            "r#\"",
            "",
        ] {
            assert_eq!(function_span(src, "f"), None, "{src:?}");
        }
    }
}
