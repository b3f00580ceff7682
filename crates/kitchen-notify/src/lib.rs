//! Desktop notifications of ready orders: the text a driver reads, and the
//! notifier that shows it through the desktop's notification service (D-Bus
//! `org.freedesktop.Notifications` on Linux) for the delivery poller.

use chrono::{DateTime, Utc};
use kitchen_domain::Delivery;
use notify_rust::{Notification, Timeout, Urgency};

pub use kitchen_domain::{Notifier, NotifyError};

/// The application name the notification service shows.
pub const APP_NAME: &str = "Kitchen Dashboard";

/// The summary and body of a ready order's notification at `now`:
/// `Order 42 is ready` / `Ana · ready for 3 min`.
pub fn ready_text(order: &Delivery, now: DateTime<Utc>) -> (String, String) {
    let summary = format!("Order {} is ready", order.order);
    let minutes = order.waiting_for(now).num_minutes();
    let waited = match minutes {
        0 => "ready now".to_owned(),
        m if m < 60 => format!("ready for {m} min"),
        m => format!("ready for {} h {} min", m / 60, m % 60),
    };
    (summary, format!("{} · {waited}", order.client))
}

/// Shows notifications on this desktop.
/// `text` for a notification body on a service that reads markup in it
/// (`body-markup`): `&`, `<` and `>` written as entities, so a client named
/// `<b>…` or `a & b` shows as typed and cannot add a link or an image.
pub fn markup_escaped(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[derive(Debug, Clone)]
pub struct DesktopNotifier {
    app_name: String,
    /// Whether the service reads markup in bodies, once asked.
    markup: std::sync::Arc<std::sync::OnceLock<bool>>,
}

impl Default for DesktopNotifier {
    fn default() -> Self {
        DesktopNotifier::new(APP_NAME)
    }
}

impl DesktopNotifier {
    pub fn new(app_name: impl Into<String>) -> DesktopNotifier {
        DesktopNotifier {
            app_name: app_name.into(),
            markup: Default::default(),
        }
    }
}

impl Notifier for DesktopNotifier {
    fn notify(&self, order: &Delivery) -> Result<(), NotifyError> {
        let (summary, body) = ready_text(order, Utc::now());
        // The summary is plain text by the specification; the body may be markup.
        let markup = *self.markup.get_or_init(|| {
            notify_rust::get_capabilities()
                .map(|caps| caps.iter().any(|cap| cap == "body-markup"))
                // Unknown: escaped, as most services read markup.
                .unwrap_or(true)
        });
        let body = if markup { markup_escaped(&body) } else { body };
        Notification::new()
            .appname(&self.app_name)
            .summary(&summary)
            .body(&body)
            .icon("dialog-information")
            .urgency(Urgency::Normal)
            .timeout(Timeout::Default)
            .show()
            .map(|_| ())
            .map_err(|e| classify(&e.to_string()))
    }

    /// Asks the service who it is: no answer means no notifications here.
    fn check(&self) -> Result<(), NotifyError> {
        notify_rust::get_server_information()
            .map(|_| ())
            .map_err(|e| classify(&e.to_string()))
    }
}

/// notify-rust hides the error's kind, so it is read from the text: no session bus,
/// or nobody owning the notifications name, means this desktop has no service.
fn classify(error: &str) -> NotifyError {
    const NO_SERVICE: [&str; 7] = [
        "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.Spawn",
        "address error",
        "failed to connect to",
        "D-Bus handshake failed",
        "I/O error",
    ];
    if NO_SERVICE
        .iter()
        .any(|needle| error.to_lowercase().contains(&needle.to_lowercase()))
    {
        NotifyError::NoService(error.to_owned())
    } else {
        NotifyError::Failed(error.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn delivery(ready_at: DateTime<Utc>) -> Delivery {
        Delivery {
            event_id: "e1".into(),
            day: "2026-03-14".into(),
            order: "42".into(),
            client: "Ana".into(),
            ready_at,
            received_at: ready_at,
            notified_at: None,
        }
    }

    #[test]
    fn markup_in_a_name_is_written_as_entities() {
        assert_eq!(
            markup_escaped("<b>Ana</b> & \"Bo\" 'Cy'"),
            "&lt;b&gt;Ana&lt;/b&gt; &amp; &quot;Bo&quot; &apos;Cy&apos;"
        );
        assert_eq!(markup_escaped("João · ready now"), "João · ready now");
    }

    #[test]
    fn the_text_names_the_order_the_client_and_the_wait() {
        let now = Utc::now();
        let order = delivery(now - Duration::seconds(3 * 60 + 20));
        assert_eq!(
            ready_text(&order, now),
            (
                "Order 42 is ready".to_owned(),
                "Ana · ready for 3 min".to_owned()
            )
        );
        assert_eq!(ready_text(&delivery(now), now).1, "Ana · ready now");
        // A ready time a little ahead of this clock reads as "now", not negative.
        assert_eq!(
            ready_text(&delivery(now + Duration::seconds(5)), now).1,
            "Ana · ready now"
        );
        assert_eq!(
            ready_text(&delivery(now - Duration::minutes(65)), now).1,
            "Ana · ready for 1 h 5 min"
        );
    }

    #[test]
    fn a_missing_service_is_told_apart_from_other_failures() {
        assert!(matches!(
            classify("org.freedesktop.DBus.Error.ServiceUnknown: The name is not activatable"),
            NotifyError::NoService(_)
        ));
        assert!(matches!(
            classify("I/O error: No such file or directory (os error 2)"),
            NotifyError::NoService(_)
        ));
        assert!(matches!(
            classify("org.freedesktop.DBus.Error.InvalidArgs: bad hints"),
            NotifyError::Failed(_)
        ));
    }
}
