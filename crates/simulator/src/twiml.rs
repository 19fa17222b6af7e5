//! Reads the TwiML a webhook answers with into a tree the call player walks.

use quick_xml::Reader;
use quick_xml::events::Event;

/// An element: its name, attributes, text and children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    /// Element name (`Say`, `Gather`…).
    pub name: String,
    /// Attributes, unescaped.
    pub attrs: Vec<(String, String)>,
    /// Text content, unescaped.
    pub text: String,
    /// Child elements.
    pub children: Vec<Node>,
}

impl Node {
    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a TwiML document; returns the verbs inside `<Response>`. Malformed XML or another
/// root element is an error, as it is for Twilio (error 12100).
pub fn parse(xml: &str) -> Result<Vec<Node>, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed TwiML: {e}"))?;
        match event {
            Event::Start(e) => stack.push(element(&e)?),
            Event::Empty(e) => {
                let node = element(&e)?;
                stack.last_mut().expect("root").children.push(node);
            }
            Event::End(_) => {
                let node = stack.pop().expect("balanced");
                let parent = stack
                    .last_mut()
                    .ok_or_else(|| "malformed TwiML: unbalanced tags".to_string())?;
                parent.children.push(node);
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| format!("malformed TwiML: {e}"))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| format!("malformed TwiML: {e}"))?;
                let c = match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => return Err(format!("malformed TwiML: unknown entity &{other};")),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(c);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let root = stack
        .pop()
        .filter(|_| stack.is_empty())
        .ok_or("malformed TwiML: unclosed tags")?;
    match root.children.as_slice() {
        [response] if response.name == "Response" => Ok(response.children.clone()),
        _ => Err("TwiML must have one <Response> root element".into()),
    }
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> Result<Node, String> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("malformed TwiML attribute: {e}"))?;
        attrs.push((
            String::from_utf8_lossy(a.key.as_ref()).into_owned(),
            a.unescape_value()
                .map_err(|e| format!("malformed TwiML attribute: {e}"))?
                .into_owned(),
        ));
    }
    Ok(Node {
        name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
        attrs,
        text: String::new(),
        children: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_with_attributes_children_and_escaped_text() {
        let verbs = parse(r#"<?xml version="1.0" encoding="UTF-8"?><Response><Gather numDigits="1" action="https://o/x?a=1&amp;b=2"><Say voice="alice">O&apos;Brien &amp; Sons</Say></Gather><Hangup/></Response>"#).unwrap();
        assert_eq!(verbs.len(), 2);
        assert_eq!(verbs[0].attr("action"), Some("https://o/x?a=1&b=2"));
        assert_eq!(verbs[0].children[0].text, "O'Brien & Sons");
        assert_eq!(verbs[1].name, "Hangup");
        assert!(parse("<Response><Say>unclosed</Response>").is_err());
        assert!(parse("<Other/>").is_err());
        assert!(parse("not xml at all <").is_err());
    }
}
