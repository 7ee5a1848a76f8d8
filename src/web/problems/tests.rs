use super::choose_language;

#[test]
fn the_statement_language_is_the_asked_one_else_the_browsers_else_english_else_the_first() {
    let available = ["de", "en", "pt-BR", "sv"];
    assert_eq!(choose_language(&available, Some("sv"), Some("de")), 3);
    assert_eq!(
        choose_language(&available, Some("fr"), None),
        1,
        "an unknown ?lang= is ignored"
    );
    assert_eq!(
        choose_language(&available, None, Some("fr-CH, sv;q=0.8, de;q=0.9")),
        0
    );
    assert_eq!(choose_language(&available, None, Some("sv-FI;q=0.5,fr")), 3);
    assert_eq!(choose_language(&available, None, Some("pt-BR")), 2);
    assert_eq!(choose_language(&available, None, Some("fr, *;q=0.1")), 1);
    assert_eq!(
        choose_language(&available, None, Some("de;q=0")),
        1,
        "q=0 means not wanted"
    );
    assert_eq!(choose_language(&["sv", "fi"], None, None), 0);
}
