//! Word frequencies of a text.

use std::collections::HashMap;

pub fn count_words(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}

pub fn top(counts: &HashMap<String, usize>, n: usize) -> Vec<(String, usize)> {
    let mut pairs: Vec<(String, usize)> = counts
        .iter()
        .map(|(word, count)| (word.clone(), *count))
        .collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    pairs.truncate(n);
    pairs
}

pub fn most_common(text: &str) -> Option<(String, usize)> {
    top(&count_words(text), 1).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_word() {
        let counts = count_words("a rose is a rose");
        assert_eq!(counts["a"], 2);
        assert_eq!(counts["rose"], 2);
        assert_eq!(counts["is"], 1);
        assert_eq!(counts.len(), 3);
    }

    #[test]
    fn empty_text_has_no_words() {
        assert!(count_words("  \n\t ").is_empty());
        assert_eq!(most_common(""), None);
    }

    #[test]
    fn top_sorts_by_count_then_word() {
        let counts = count_words("b a c b a b");
        assert_eq!(
            top(&counts, 2),
            vec![("b".to_string(), 3), ("a".to_string(), 2)]
        );
        let ties = count_words("pear fig apple");
        assert_eq!(
            top(&ties, 10),
            vec![
                ("apple".to_string(), 1),
                ("fig".to_string(), 1),
                ("pear".to_string(), 1)
            ]
        );
    }

    #[test]
    fn count_words_ignores_case() {
        let counts = count_words("The cat saw the dog");
        assert_eq!(counts["the"], 2);
        assert_eq!(counts.get("The"), None);
        assert_eq!(
            most_common("The cat saw the dog"),
            Some(("the".to_string(), 2))
        );
    }
}
