//! "Predict the output" questions: each chapter page asks at least one before
//! the output it is about, and its folded answer quotes the pinned snapshot.
//! This module parses them and checks that the answer is what the chapter
//! prints, so a question can never disagree with the code.
//!
//! The format (book/src/ch05-naive-bce-nan.md has examples):
//!
//! ```text
//! <div class="predict" id="predict-ID" data-predict="ID">
//!
//! **Predict the output.** QUESTION
//!
//! - **A.** CHOICE
//! - **B.** CHOICE
//! - **C.** CHOICE
//!
//! <details>
//! <summary>Answer</summary>
//!
//! **B.** The chapter prints:
//!
//! ```text (a fence)
//! LINES COPIED FROM ONE PINNED SECTION
//! ``` (a fence)
//!
//! EXPLANATION
//!
//! <div class="predict-whys">
//!
//! **The other choices:**
//!
//! - **A.** WHY A IS WRONG, AND WHAT WOULD MAKE IT TRUE
//! - **C.** …
//!
//! </div>
//! </details>
//! </div>
//! ```
//!
//! In the browser, book/theme/predict.js turns the choices into buttons and
//! shows the "why" of the choice made (the quoted output and the explanation
//! for the right one); without JavaScript and in print the block reads as
//! written, its answer folded. [`answers`] lists every question for the
//! "Your answers" page, each with its right letter and its [`fingerprint`],
//! so that the page judges a kept answer as the question's own page does.

use std::collections::BTreeSet;

use crate::common::{book, outputs};

const OPEN: &str = "<div class=\"predict\"";
const WHYS: &str = "<div class=\"predict-whys\">";

/// One question as written on a page.
#[derive(Debug, PartialEq)]
pub struct Question {
    /// The `data-predict` id, the same as the element's id less `predict-`.
    pub id: String,
    pub text: String,
    /// (letter, choice text)
    pub choices: Vec<(char, String)>,
    pub answer: char,
    pub quoted: Vec<String>,
    pub explanation: String,
    /// (letter, why) for every choice but the right one.
    pub whys: Vec<(char, String)>,
    /// Byte offset of the block in the page.
    pub at: usize,
}

impl Question {
    fn correct_choice(&self) -> String {
        let c = self.choices.iter().find(|c| c.0 == self.answer);
        c.map(|c| c.1.clone()).unwrap_or_default()
    }
}

/// Every question of a page, or what is malformed about one.
pub fn questions(page: &str) -> Result<Vec<Question>, String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = page[from..].find(OPEN) {
        let at = from + i;
        let end = page[at..]
            .find("</details>\n</div>")
            .map(|e| at + e)
            .ok_or("a predict block does not end with </details> and </div>")?;
        out.push(parse(&page[at + OPEN.len()..end], at)?);
        from = end;
    }
    Ok(out)
}

/// The `(letter, text)` items of a Markdown list of `- **X.** text` lines,
/// with the indented lines that continue them.
fn lettered(list: &str) -> Result<Vec<(char, String)>, String> {
    let mut items: Vec<(char, String)> = Vec::new();
    for line in list.lines() {
        if let Some(rest) = line.strip_prefix("- **") {
            let letter = rest.chars().next().unwrap_or(' ');
            let item = rest
                .strip_prefix(&format!("{letter}.**"))
                .ok_or_else(|| format!("line `{line}` is not `- **X.** text`"))?;
            items.push((letter, item.trim().to_string()));
        } else if line.starts_with("  ")
            && !line.trim().is_empty()
            && let Some(last) = items.last_mut()
        {
            last.1.push(' ');
            last.1.push_str(line.trim());
        }
    }
    Ok(items)
}

fn parse(block: &str, at: usize) -> Result<Question, String> {
    let (tag, block) = block
        .split_once('>')
        .ok_or("the predict <div> is not closed")?;
    let attr = |name: &str| {
        tag.split_once(&format!(" {name}=\""))
            .and_then(|(_, v)| v.split_once('"'))
            .map(|(v, _)| v.to_string())
    };
    let id = attr("data-predict").ok_or("the predict <div> has no data-predict=\"ID\"")?;
    let ok_id = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok_id || attr("id") != Some(format!("predict-{id}")) {
        return Err(format!(
            "the predict <div> needs id=\"predict-{id}\" and data-predict=\"{id}\", \
             an id of lowercase letters, digits and '-'"
        ));
    }
    let (ask, answer) = block
        .split_once("<details>")
        .ok_or("no <details> with the answer")?;
    let text = ask
        .split_once("**Predict the output.**")
        .ok_or("no **Predict the output.** line")?
        .1
        .split("\n- **")
        .next()
        .unwrap()
        .trim()
        .to_string();
    let choices = lettered(ask).map_err(|e| format!("a choice's {e}"))?;
    let unplain = std::iter::once(("the question", text.as_str()))
        .chain(choices.iter().map(|c| ("a choice", c.1.as_str())))
        .find(|(_, t)| !is_plain(t));
    if let Some((what, t)) = unplain {
        return Err(format!(
            "{what} holds a link, an HTML tag or an entity (`{t}`): a question and its \
             choices are plain Markdown (words, code, emphasis, formulas), so that the \
             page reads the words its fingerprint is made of (see `fingerprint`)"
        ));
    }
    let letters: String = choices.iter().map(|c| c.0).collect();
    if !(letters == "ABC" || letters == "ABCD") {
        return Err(format!(
            "choices must be lettered A, B, C (and D), found {letters:?}"
        ));
    }
    let answer_text = answer
        .split_once("</summary>")
        .ok_or("no <summary> in the answer")?
        .1
        .trim_start();
    let letter = answer_text
        .strip_prefix("**")
        .and_then(|r| r.chars().next())
        .filter(|c| answer_text[2..].starts_with(&format!("{c}.**")))
        .ok_or("the answer must start with **X.**")?;
    if !letters.contains(letter) {
        return Err(format!("the answer {letter} is not one of the choices"));
    }
    let (answer_text, whys) = answer_text
        .split_once(WHYS)
        .ok_or("the answer has no <div class=\"predict-whys\"> for the other choices")?;
    let whys = lettered(whys.trim_end().strip_suffix("</div>").unwrap_or(whys))
        .map_err(|e| format!("a why's {e}"))?;
    let expected: String = letters.chars().filter(|c| *c != letter).collect();
    let given: String = whys.iter().map(|w| w.0).collect();
    if given != expected {
        return Err(format!(
            "the other choices' whys must be lettered {expected:?}, in order; found {given:?}"
        ));
    }
    if let Some((l, _)) = whys.iter().find(|w| w.1.split_whitespace().count() < 6) {
        return Err(format!("the why of choice {l} says too little"));
    }
    let mut parts = answer_text.split("```");
    let before = parts.next().unwrap_or("");
    let quoted_block = parts.next().ok_or("the answer quotes no output block")?;
    let quoted: Vec<String> = quoted_block
        .strip_prefix("text\n")
        .ok_or("the quoted output must be a ```text block")?
        .lines()
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let explanation = format!("{} {}", before, parts.collect::<Vec<_>>().join(" "));
    Ok(Question {
        id,
        text,
        choices,
        answer: letter,
        quoted,
        explanation,
        whys,
        at,
    })
}

/// Whether a question's or a choice's Markdown is plain: no link, no HTML tag
/// and no entity, whose source differs from the words the page shows.
fn is_plain(markdown: &str) -> bool {
    let b = markdown.as_bytes();
    !markdown.contains("](")
        && !b.windows(2).any(|w| {
            (w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
                || (w[0] == b'&' && (w[1].is_ascii_alphanumeric() || w[1] == b'#'))
        })
}

/// The letters and digits of some plain Markdown, lower-cased, without its
/// formulas (`\\( … \\)`, `\\[ … \\]`): what book/theme/predict.js reads
/// from the rendered page (its `plainText`), before or after MathJax.
pub fn plain_words(markdown: &str) -> String {
    let mut out = String::new();
    let mut rest = markdown;
    let keep = |out: &mut String, s: &str| {
        out.extend(
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase()),
        )
    };
    loop {
        let open = ["\\\\(", "\\\\["]
            .into_iter()
            .filter_map(|o| rest.find(o).map(|i| (i, o)))
            .min();
        let Some((i, open)) = open else { break };
        let close = if open == "\\\\(" { "\\\\)" } else { "\\\\]" };
        // An opener with no closer is text, as MathJax leaves it.
        let Some(j) = rest[i + open.len()..].find(close) else {
            break;
        };
        keep(&mut out, &rest[..i]);
        rest = &rest[i + open.len() + j + close.len()..];
    }
    keep(&mut out, rest);
    out
}

/// A question's fingerprint: FNV-1a (32 bits, in hex) of its right letter,
/// its text's and its choices' plain words (`B|words|A:words|B:words|…`).
/// The page computes it from what it shows (book/theme/predict.js) and keeps
/// it with an answer; the answers page has it from the pinned list
/// ([`answers`]). An answer kept under another fingerprint was given to
/// another version of the question, and counts as not given.
pub fn fingerprint(q: &Question) -> String {
    let mut s = format!("{}|{}", q.answer, plain_words(&q.text));
    for (letter, text) in &q.choices {
        s.push_str(&format!("|{letter}:{}", plain_words(text)));
    }
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

/// The numbers in a text, signs dropped, and `NaN`/`inf`: what a choice
/// claims. A `%` or trailing `.` is not part of the number.
pub fn numbers(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || (chars[j] == '.' && chars.get(j + 1).is_some_and(char::is_ascii_digit))
                    || (chars[j] == 'e'
                        && chars
                            .get(j + 1)
                            .is_some_and(|c| c.is_ascii_digit() || *c == '-')))
            {
                if chars[j] == 'e' && chars[j + 1] == '-' {
                    j += 1;
                }
                j += 1;
            }
            out.insert(chars[i..j].iter().collect());
            i = j;
        } else {
            i += 1;
        }
    }
    for word in ["NaN", "inf"] {
        let is_word = |s: &str| s.split(|c: char| !c.is_alphanumeric()).any(|w| w == word);
        if is_word(text) {
            out.insert(word.to_string());
        }
    }
    out
}

/// The decimal numbers of a text (`0.2909`, `99.6`): what an explanation
/// must take from the output.
fn decimals(text: &str) -> BTreeSet<String> {
    numbers(text)
        .into_iter()
        .filter(|n| n.contains('.'))
        .collect()
}

/// Numbers in the quoted lines, as separate tokens, plus each line's own
/// text for substring checks.
fn tokens(lines: &[String]) -> BTreeSet<String> {
    numbers(&lines.join("\n"))
}

/// What is wrong with one question of chapter `chapter`, given each section's
/// printed body by name and the page it is on.
pub fn problems(q: &Question, chapter: &str, sections: &[(&str, &str)], page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let said = |m: String| {
        format!(
            "{chapter}, \"{}…\": {m}",
            q.text.chars().take(40).collect::<String>()
        )
    };
    if q.quoted.is_empty() {
        out.push(said("the answer quotes no line".into()));
        return out;
    }
    // The quoted lines all come from one section's output.
    let owner = sections.iter().find(|(_, body)| {
        let lines: BTreeSet<&str> = body.lines().map(str::trim_end).collect();
        q.quoted.iter().all(|l| lines.contains(l.as_str()))
    });
    let Some((section, _)) = owner else {
        out.push(said(format!(
            "the quoted lines are not all printed by one section now:\n{}",
            q.quoted.join("\n")
        )));
        return out;
    };
    let quoted = tokens(&q.quoted);
    for (letter, choice) in &q.choices {
        let claims = numbers(choice);
        if *letter == q.answer {
            if claims.is_empty() {
                out.push(said(format!(
                    "the answer {letter} names no number, NaN or inf"
                )));
            }
            for n in claims.difference(&quoted) {
                out.push(said(format!(
                    "the answer {letter} says {n}, which the quoted lines do not"
                )));
            }
        } else if claims.is_empty() || claims == numbers(&q.correct_choice()) {
            out.push(said(format!(
                "choice {letter} ({choice}) names no number of its own to tell it from the answer"
            )));
        }
    }
    let printed: String = sections
        .iter()
        .map(|(_, b)| *b)
        .collect::<Vec<_>>()
        .join("\n");
    let printed = numbers(&printed);
    for n in decimals(&q.explanation).difference(&printed) {
        out.push(said(format!(
            "the explanation says {n}, which the chapter does not print"
        )));
    }
    for (letter, why) in &q.whys {
        for n in decimals(why).difference(&printed) {
            out.push(said(format!(
                "the why of choice {letter} says {n}, which the chapter does not print"
            )));
        }
    }
    // Asked before the answer is shown.
    let snap = format!("{chapter}__{section}.snap");
    if let Some(first) = page.find(&snap)
        && first < q.at
    {
        out.push(said(format!(
            "the question comes after the page shows {snap}"
        )));
    }
    out
}

/// Every question of the book in reading order, as the Markdown list of the
/// "Your answers" page (book/src/answers.md includes it): the page's title,
/// linked to the question, the question's text, and an empty, hidden
/// `<span class="predict-key" data-answer="X" data-key="FINGERPRINT">` from
/// which book/theme/predict.js judges a kept answer the way the question's
/// own page does: by its letter, and only if it was given to this version of
/// the question ([`fingerprint`]).
pub fn answers() -> String {
    let mut out = String::new();
    for (ch, _) in outputs() {
        let page = std::fs::read_to_string(book().src().join(format!("{}.md", ch.name()))).unwrap();
        let title = page
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .unwrap_or(ch.name());
        for q in questions(&page).unwrap_or_default() {
            out.push_str(&format!(
                "- [{title}]({}.md#predict-{}): {} \
                 <span class=\"predict-key\" data-answer=\"{}\" data-key=\"{}\" hidden></span>\n",
                ch.name(),
                q.id,
                q.text.split_whitespace().collect::<Vec<_>>().join(" "),
                q.answer,
                fingerprint(&q),
            ));
        }
    }
    out
}

#[test]
fn every_predict_question_is_answered_by_the_pinned_output() {
    let mut asked = 0;
    let mut problems_found = Vec::new();
    for (ch, output) in outputs() {
        let page = std::fs::read_to_string(book().src().join(format!("{}.md", ch.name()))).unwrap();
        let qs = questions(&page).unwrap_or_else(|e| panic!("{}: {e}", ch.name()));
        if qs.is_empty() {
            problems_found.push(format!(
                "{}: the page asks no \"predict the output\" question",
                ch.name()
            ));
        }
        let sections: Vec<(&str, &str)> = output
            .sections
            .iter()
            .map(|s| (s.name, s.body.as_str()))
            .collect();
        for q in &qs {
            problems_found.extend(problems(q, ch.name(), &sections, &page));
            asked += 1;
        }
    }
    assert!(problems_found.is_empty(), "{}", problems_found.join("\n"));
    assert!(asked >= 11, "only {asked} questions");
}

/// Every question of the book, by chapter, in reading order.
fn every_question() -> Vec<(&'static str, Question)> {
    outputs()
        .iter()
        .flat_map(|(ch, _)| {
            let page =
                std::fs::read_to_string(book().src().join(format!("{}.md", ch.name()))).unwrap();
            let qs = questions(&page).unwrap_or_else(|e| panic!("{}: {e}", ch.name()));
            qs.into_iter().map(|q| (ch.name(), q))
        })
        .collect()
}

/// What is wrong with the spread of right answers over letters: a room that
/// sees the same letter win every time stops predicting.
pub fn letter_problems(answers: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    for letter in ['A', 'B', 'C', 'D'] {
        let n = answers.iter().filter(|a| **a == letter).count();
        if n * 100 > answers.len() * 40 {
            out.push(format!(
                "{letter} answers {n} of the {} questions, more than 40%",
                answers.len()
            ));
        }
    }
    out
}

#[test]
fn the_right_answers_are_spread_over_the_letters() {
    let all = every_question();
    let answers: Vec<char> = all.iter().map(|(_, q)| q.answer).collect();
    let found = letter_problems(&answers);
    assert!(found.is_empty(), "{}", found.join("\n"));
    // The 90-minute agenda's questions, asked one after another, differ.
    let ninety: Vec<char> = act_loss_book::workshop::NINETY_MINUTES
        .blocks
        .iter()
        .flat_map(|(page, _)| all.iter().filter(move |(ch, _)| ch == page))
        .map(|(_, q)| q.answer)
        .collect();
    assert!(ninety.len() >= 3, "{ninety:?}");
    for pair in ninety.windows(2) {
        assert_ne!(
            pair[0], pair[1],
            "two questions in a row answered by the same letter"
        );
    }
    // The check can fail.
    assert_eq!(letter_problems(&['B', 'B', 'A', 'C', 'B']).len(), 1);
    assert!(letter_problems(&['A', 'B', 'C', 'D', 'A']).is_empty());
}

#[test]
fn question_ids_are_unique_and_the_answers_page_lists_every_question() {
    let all = every_question();
    let ids: BTreeSet<&str> = all.iter().map(|(_, q)| q.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "two questions share an id");
    let list = answers();
    assert_eq!(list.lines().count(), all.len());
    for (ch, q) in &all {
        assert!(
            list.contains(&format!("({ch}.md#predict-{})", q.id)),
            "{ch}: {} is not listed",
            q.id
        );
    }
    let page = std::fs::read_to_string(book().src().join("answers.md")).unwrap();
    assert!(
        page.contains("{{#include ../../tests/snapshots/predict__answers.snap:4:}}"),
        "answers.md does not include the pinned list"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("predict__answers", list));
}

#[test]
fn a_question_is_parsed_and_its_mistakes_are_found() {
    let page = "intro\n<div class=\"predict\" id=\"predict-mean\" data-predict=\"mean\">\n\n\
                **Predict the output.** Three losses. What is the mean?\n\n\
                - **A.** 2.0365\n- **B.** 0.2909\n- **C.** a mean that is\n  NaN\n\n<details>\n<summary>Answer</summary>\n\n\
                **B.** The chapter prints:\n\n```text\nweighted mean 0.2909 (sum 6.1094)\n```\n\n\
                It divides 6.1094 by 21, not by 3.\n\n<div class=\"predict-whys\">\n\n**The other choices:**\n\n\
                - **A.** 2.0365 divides by the 3 samples,\n  not by 21.\n\
                - **C.** Nothing here is infinite or NaN: the losses are 0.25 each.\n\n</div>\n</details>\n</div>\n\
                {{#include x/ch99__mean.snap:4:}}\n";
    let qs = questions(page).unwrap();
    assert_eq!(qs.len(), 1);
    let q = &qs[0];
    assert_eq!(q.answer, 'B');
    assert_eq!(q.quoted, vec!["weighted mean 0.2909 (sum 6.1094)"]);
    assert_eq!(q.choices[2], ('C', "a mean that is NaN".to_string()));
    assert_eq!(q.id, "mean");
    assert_eq!(q.whys.len(), 2);
    assert_eq!(
        q.whys[0],
        (
            'A',
            "2.0365 divides by the 3 samples, not by 21.".to_string()
        )
    );
    let ok = [(
        "mean",
        "weighted mean 0.2909 (sum 6.1094)\nother 2.0365 0.25\n",
    )];
    assert_eq!(problems(q, "ch99", &ok, page), Vec::<String>::new());
    // The output changed: the answer no longer holds.
    let changed = [("mean", "weighted mean 0.3000 (sum 6.1094)\n")];
    let found = problems(q, "ch99", &changed, page).join("\n");
    assert!(found.contains("not all printed by one section"), "{found}");
    // A number in the explanation that is printed nowhere.
    let found = problems(
        q,
        "ch99",
        &[("mean", "weighted mean 0.2909 (sum 6.1094)\n")],
        page,
    );
    assert!(
        found.iter().any(|p| p.contains("choice A says 2.0365")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("choice C says 0.25")),
        "{found:?}"
    );
    // The fingerprint: the right letter, the question's and the choices'
    // words and numbers, not their formulas, markup or spacing.
    assert_eq!(
        plain_words("About \\\\( 7 \\times 0.25^{19} \\\\) for `sigmoid`, **−1.00**"),
        "aboutforsigmoid100"
    );
    assert_eq!(plain_words("an open \\\\( stays"), "anopenstays");
    let key = fingerprint(q);
    assert_eq!(key.len(), 8);
    let key_of = |from: &str, to: &str| {
        let page = page.replacen(from, to, 1);
        fingerprint(&questions(&page).unwrap()[0])
    };
    assert_eq!(
        key_of(
            "- **C.** a mean that is\n  NaN",
            "- **C.** a mean\n  that is   NaN"
        ),
        key
    );
    let mut reshuffled = questions(page).unwrap().remove(0);
    reshuffled.answer = 'A';
    assert_ne!(fingerprint(&reshuffled), key);
    assert_ne!(key_of("- **A.** 2.0365", "- **A.** 0.2909"), key);
    assert_ne!(key_of("What is the mean?", "What is the sum?"), key);
    // Malformed blocks are refused, each with its reason.
    let broken = |from: &str, to: &str| {
        let bad = page.replacen(from, to, 1);
        assert_ne!(bad, page, "{from}");
        questions(&bad).unwrap_err()
    };
    assert!(broken(" data-predict=\"mean\"", "").contains("data-predict"));
    assert!(broken("id=\"predict-mean\"", "id=\"mean\"").contains("id="));
    assert!(broken("<div class=\"predict-whys\">", "<div>").contains("predict-whys"));
    assert!(broken("- **B.** 0.2909", "- **B.** [0.2909](x.md)").contains("a choice holds a link"));
    assert!(broken("- **B.** 0.2909", "- **B.** <b>0.2909</b>").contains("HTML tag"));
    assert!(broken("What is", "What&nbsp;is").contains("the question holds"));
    assert!(broken("- **C.** Nothing", "- **D.** Nothing").contains("lettered \"AC\""));
    assert!(broken("- **A.** 2.0365 divides", "- **B.** 2.0365 divides").contains("lettered"));
    assert!(
        broken(
            "Nothing here is infinite or NaN: the losses are 0.25 each.",
            "No."
        )
        .contains("says too little")
    );
    // Asked after the output is shown.
    let late = format!("{{{{#include x/ch99__mean.snap:4:}}}}\n{page}");
    let q = &questions(&late).unwrap()[0];
    let found = problems(q, "ch99", &ok, &late).join("\n");
    assert!(found.contains("comes after"), "{found}");
    assert_eq!(
        numbers("-1000.0, 63.7%, 4.140e-8, NaN and inf; e.g. x2 or 3."),
        ["1000.0", "63.7", "4.140e-8", "3", "NaN", "inf"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}
