//! "Predict the output" questions: each chapter page asks at least one before
//! the output it is about, and its folded answer quotes the pinned snapshot.
//! This module parses them and checks that the answer is what the chapter
//! prints, so a question can never disagree with the code.
//!
//! The format (book/src/ch05-naive-bce-nan.md has examples):
//!
//! ```text
//! <div class="predict">
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
//! </details>
//! </div>
//! ```

use std::collections::BTreeSet;

use crate::common::{book, outputs};

const OPEN: &str = "<div class=\"predict\">";

/// One question as written on a page.
#[derive(Debug, PartialEq)]
pub struct Question {
    pub text: String,
    /// (letter, choice text)
    pub choices: Vec<(char, String)>,
    pub answer: char,
    pub quoted: Vec<String>,
    pub explanation: String,
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

fn parse(block: &str, at: usize) -> Result<Question, String> {
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
    // A choice is its `- **X.**` line and the indented lines that continue it.
    let mut choices: Vec<(char, String)> = Vec::new();
    for line in ask.lines() {
        if let Some(rest) = line.strip_prefix("- **") {
            let letter = rest.chars().next().unwrap_or(' ');
            let choice = rest
                .strip_prefix(&format!("{letter}.**"))
                .ok_or_else(|| format!("choice line `{line}` is not `- **X.** text`"))?;
            choices.push((letter, choice.trim().to_string()));
        } else if line.starts_with("  ")
            && !line.trim().is_empty()
            && let Some(last) = choices.last_mut()
        {
            last.1.push(' ');
            last.1.push_str(line.trim());
        }
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
        text,
        choices,
        answer: letter,
        quoted,
        explanation,
        at,
    })
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

#[test]
fn a_question_is_parsed_and_its_mistakes_are_found() {
    let page = "intro\n<div class=\"predict\">\n\n**Predict the output.** What is the mean?\n\n\
                - **A.** 2.0365\n- **B.** 0.2909\n- **C.** a mean that is\n  NaN\n\n<details>\n<summary>Answer</summary>\n\n\
                **B.** The chapter prints:\n\n```text\nweighted mean 0.2909 (sum 6.1094)\n```\n\n\
                It divides 6.1094 by 21, not by 3 (2.0365).\n\n</details>\n</div>\n\
                {{#include x/ch99__mean.snap:4:}}\n";
    let qs = questions(page).unwrap();
    assert_eq!(qs.len(), 1);
    let q = &qs[0];
    assert_eq!(q.answer, 'B');
    assert_eq!(q.quoted, vec!["weighted mean 0.2909 (sum 6.1094)"]);
    assert_eq!(q.choices[2], ('C', "a mean that is NaN".to_string()));
    let ok = [("mean", "weighted mean 0.2909 (sum 6.1094)\nother 2.0365\n")];
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
    assert!(found.iter().any(|p| p.contains("2.0365")), "{found:?}");
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
