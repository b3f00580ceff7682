//! Personal data on a device: where an order goes and how to reach the
//! customer (address, phone, the driver's note).
//!
//! - A driver station reads the contacts of the orders on its lists from the
//!   table by key and keeps them here until they expire, as the table does.
//! - Every device forgets them on the same schedule in what else it keeps:
//!   the `order done` taps it took itself (the outbox) and mirror rows written
//!   before the table kept contacts apart.
//!
//! They are never logged.

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use kitchen_domain::{day_key, Contact};
use rusqlite::{params, OptionalExtension};

use crate::{Store, StoreError};

/// A contact as the table gave it, with when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedContact {
    pub day: String,
    pub order: String,
    pub contact: Contact,
    pub expires_at: DateTime<Utc>,
}

/// What a round of forgetting took away.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Forgotten {
    /// Contacts past their time.
    pub contacts: u64,
    /// This device's own taps whose personal fields were removed.
    pub taps: u64,
    /// Mirror rows whose personal fields were removed.
    pub mirror_rows: u64,
    /// Whether a next round has more to look at.
    pub more: bool,
}

impl Forgotten {
    pub fn total(&self) -> u64 {
        self.contacts + self.taps + self.mirror_rows
    }
}

/// The device value: the tap time up to which the outbox holds no personal data.
const TAPS_FORGOTTEN_UNTIL: &str = "personal_data_forgotten_until";
/// The device value: the business day up to which (excluded) the mirror holds none.
const MIRROR_FORGOTTEN_BEFORE: &str = "personal_data_forgotten_before_day";
/// A lookup that found nothing is asked again after this long.
const NOT_FOUND_KEPT: Duration = Duration::hours(1);

/// A detail without its personal fields.
const REMOVE_PERSONAL: &str = "json_remove(detail, '$.address', '$.phone', '$.delivery_note')";
/// Whether a detail has any personal field.
const HAS_PERSONAL: &str = "(json_type(detail, '$.address') IS NOT NULL
     OR json_type(detail, '$.phone') IS NOT NULL
     OR json_type(detail, '$.delivery_note') IS NOT NULL)";

fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Store {
    /// Of these orders (business day, number), those whose contact this device
    /// has not looked up (or looked up without finding it, a while ago).
    pub fn contacts_to_look_up(
        &self,
        orders: &[(String, String)],
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let again_after = timestamp(now - NOT_FOUND_KEPT);
        let mut known = self.conn.prepare_cached(
            "SELECT 1 FROM contacts WHERE day = ?1 AND order_id = ?2
                 AND (expires_at IS NOT NULL OR looked_up_at > ?3)",
        )?;
        let mut wanted = Vec::new();
        for (day, order) in orders {
            if !known.exists(params![day, order, again_after])? {
                wanted.push((day.clone(), order.clone()));
            }
        }
        Ok(wanted)
    }

    /// Keeps what a lookup of `looked_up` found (`found`); the others are
    /// marked as looked up, so they are not asked for at every turn.
    pub fn save_contacts(
        &mut self,
        looked_up: &[(String, String)],
        found: &[SavedContact],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut missing = tx.prepare_cached(
                "INSERT INTO contacts (day, order_id, looked_up_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (day, order_id) DO UPDATE SET looked_up_at = excluded.looked_up_at
                     WHERE contacts.expires_at IS NULL",
            )?;
            for (day, order) in looked_up {
                missing.execute(params![day, order, timestamp(now)])?;
            }
            let mut save = tx.prepare_cached(
                "INSERT INTO contacts (day, order_id, address, phone, delivery_note, expires_at,
                                       looked_up_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (day, order_id) DO UPDATE SET
                     address = excluded.address, phone = excluded.phone,
                     delivery_note = excluded.delivery_note, expires_at = excluded.expires_at,
                     looked_up_at = excluded.looked_up_at",
            )?;
            for saved in found.iter().filter(|saved| saved.expires_at > now) {
                save.execute(params![
                    saved.day,
                    saved.order,
                    saved.contact.address,
                    saved.contact.phone,
                    saved.contact.delivery_note,
                    timestamp(saved.expires_at),
                    timestamp(now),
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The contact of an order, unless it has expired or was never found.
    pub fn contact(
        &self,
        day: &str,
        order: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Contact>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT address, phone, delivery_note FROM contacts
                 WHERE day = ?1 AND order_id = ?2 AND expires_at > ?3",
            )?
            .query_row(params![day, order, timestamp(now)], |row| {
                Ok(Contact {
                    address: row.get(0)?,
                    phone: row.get(1)?,
                    delivery_note: row.get(2)?,
                })
            })
            .optional()?)
    }

    /// Forgets personal data past its time, at most `batch` rows of each kind
    /// in one short transaction; call it until it forgets nothing:
    ///
    /// - contacts past `expires_at`, and lookups that found nothing, a while after;
    /// - the personal fields of this device's own taps older than `keep`;
    /// - those of mirror rows of business days older than `keep` before `today`.
    pub fn forget_personal_data(
        &mut self,
        now: DateTime<Utc>,
        today: NaiveDate,
        keep: Duration,
        batch: usize,
    ) -> Result<Forgotten, StoreError> {
        let limit = i64::try_from(batch.max(1)).unwrap_or(i64::MAX);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let contacts = tx
            .prepare_cached(
                "DELETE FROM contacts WHERE rowid IN (
                     SELECT rowid FROM contacts WHERE expires_at <= ?1
                     UNION ALL
                     SELECT rowid FROM contacts WHERE expires_at IS NULL AND looked_up_at <= ?2
                     LIMIT ?3)",
            )?
            .execute(params![
                timestamp(now),
                timestamp(now - NOT_FOUND_KEPT),
                limit
            ])? as u64;

        // The outbox, in the order taps were taken, from where the last round stopped.
        let cutoff = timestamp(now - keep);
        let from: String = device_value(&tx, TAPS_FORGOTTEN_UNTIL)?.unwrap_or_default();
        let taken: Vec<(i64, String)> = tx
            .prepare_cached(
                "SELECT seq, tapped_at FROM outbox WHERE tapped_at >= ?1 AND tapped_at < ?2
                 ORDER BY tapped_at LIMIT ?3",
            )?
            .query_map(params![from, cutoff, limit], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut taps = 0;
        {
            // sql-from-constants: this module's own expressions.
            let mut strip = tx.prepare_cached(&format!(
                "UPDATE outbox SET detail = {REMOVE_PERSONAL}
                 WHERE seq = ?1 AND status = 'order done' AND {HAS_PERSONAL}"
            ))?;
            for (seq, _) in &taken {
                taps += strip.execute([seq])? as u64;
            }
        }
        let until = if taken.len() < batch.max(1) {
            // Done up to the cutoff.
            Some(cutoff)
        } else {
            // The last tap's time: its ties are looked at again next round.
            taken
                .last()
                .map(|(_, at)| at.clone())
                .filter(|at| *at != from)
        };
        let more_taps = taken.len() >= batch.max(1) && until.is_some();
        if let Some(until) = until {
            set_device_value(&tx, TAPS_FORGOTTEN_UNTIL, &until)?;
        }

        // The mirror, one business day a round.
        let before_day = day_key(today - keep);
        let done_before: String = device_value(&tx, MIRROR_FORGOTTEN_BEFORE)?.unwrap_or_default();
        let next_day: Option<String> = tx
            .prepare_cached(
                "SELECT day FROM mirror_items WHERE day >= ?1 AND day < ?2 ORDER BY day LIMIT 1",
            )?
            .query_row(params![done_before, before_day], |row| row.get(0))
            .optional()?;
        let mut mirror_rows = 0;
        match &next_day {
            Some(day) => {
                // sql-from-constants: this module's own expressions.
                mirror_rows = tx
                    .prepare_cached(&format!(
                        "UPDATE mirror_items SET detail = {REMOVE_PERSONAL}
                         WHERE day = ?1 AND status = 'order done' AND {HAS_PERSONAL}"
                    ))?
                    .execute([day])? as u64;
                // Just after that day: days are `YYYY-MM-DD`, and `~` sorts after digits.
                set_device_value(&tx, MIRROR_FORGOTTEN_BEFORE, &format!("{day}~"))?;
            }
            None => set_device_value(&tx, MIRROR_FORGOTTEN_BEFORE, &before_day)?,
        }
        tx.commit()?;
        Ok(Forgotten {
            contacts,
            taps,
            mirror_rows,
            more: contacts >= limit as u64 || more_taps || next_day.is_some(),
        })
    }
}

fn device_value(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM device_state WHERE key = ?1")?
        .query_row([key], |row| row.get(0))
        .optional()?)
}

fn set_device_value(conn: &rusqlite::Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO device_state (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_store;
    use chrono::TimeZone;
    use kitchen_domain::{OrderContents, Status};

    fn at(day: &str, hour: u32) -> DateTime<Utc> {
        let day: NaiveDate = day.parse().unwrap();
        Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
    }

    fn key(day: &str, order: &str) -> (String, String) {
        (day.to_owned(), order.to_owned())
    }

    fn contents() -> OrderContents {
        OrderContents {
            lines: vec!["2x Margherita".parse().unwrap()],
            note: Some("cut in 8".into()),
            address: Some("Rua Augusta, 1200".into()),
            phone: Some("+55 11 91234-5678".into()),
            delivery_note: Some("ring twice".into()),
        }
    }

    fn detail(store: &Store, table: &str, order: &str) -> serde_json::Value {
        let text: String = store
            .conn
            .query_row(
                // sql-from-constants: the tests' own table names.
                &format!(
                    "SELECT detail FROM {table} WHERE order_id = ?1 AND status = 'order done'"
                ),
                [order],
                |row| row.get(0),
            )
            .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn a_contact_is_kept_until_it_expires_and_a_miss_is_asked_again_later() {
        let (_dir, mut store) = test_store();
        let now = at("2026-03-14", 20);
        let orders = [key("2026-03-14", "7"), key("2026-03-14", "8")];
        assert_eq!(store.contacts_to_look_up(&orders, now).unwrap(), orders);
        let seven = SavedContact {
            day: "2026-03-14".into(),
            order: "7".into(),
            contact: Contact::of(&contents()),
            expires_at: now + Duration::days(30),
        };
        store
            .save_contacts(&orders, std::slice::from_ref(&seven), now)
            .unwrap();
        assert_eq!(store.contacts_to_look_up(&orders, now).unwrap(), []);
        assert_eq!(
            store.contact("2026-03-14", "7", now).unwrap(),
            Some(seven.contact.clone())
        );
        assert_eq!(store.contact("2026-03-14", "8", now).unwrap(), None);
        // Order 8 had none: asked again an hour later; 7 is not.
        let later = now + Duration::hours(2);
        assert_eq!(
            store.contacts_to_look_up(&orders, later).unwrap(),
            [key("2026-03-14", "8")]
        );
        // Past its time the contact is not shown, then forgotten.
        let expired = now + Duration::days(30);
        assert_eq!(store.contact("2026-03-14", "7", expired).unwrap(), None);
        let forgotten = store
            .forget_personal_data(expired, expired.date_naive(), Duration::days(30), 100)
            .unwrap();
        assert_eq!(forgotten.contacts, 2);
        let left: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM contacts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn own_taps_and_old_mirror_rows_lose_their_personal_fields_after_the_days_and_keep_the_rest() {
        let (_dir, mut store) = test_store();
        let old_day: NaiveDate = "2026-02-01".parse().unwrap();
        let new_day: NaiveDate = "2026-03-10".parse().unwrap();
        for (day, order) in [(old_day, "1"), (new_day, "2")] {
            let time = Utc.from_utc_datetime(&day.and_hms_opt(19, 0, 0).unwrap());
            store
                .record_tap_with(
                    day,
                    order,
                    Status::OrderDone,
                    "Ana",
                    "oven-1",
                    time,
                    contents(),
                )
                .unwrap();
            store
                .record_tap(day, order, Status::Ready, "Ana", "oven-1", time)
                .unwrap();
            // A mirror row as the table gave it before it kept contacts apart.
            let tap = store.conn.query_row(
                "SELECT event_id, tapped_at, detail FROM outbox WHERE order_id = ?1
                     AND status = 'order done'",
                [order],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            );
            let (event_id, tapped_at, detail) = tap.unwrap();
            store
                .conn
                .execute(
                    "INSERT INTO mirror_items (day, order_id, status, client, time, event_id,
                         version, time_event_id, detail, synced_at)
                     VALUES (?1, ?2, 'order done', 'Ana', ?3, ?4, '1', ?3 || '#' || ?4, ?5, ?3)",
                    params![day_key(day), order, tapped_at, event_id, detail],
                )
                .unwrap();
        }
        let now = at("2026-03-14", 20);
        let mut all = Forgotten::default();
        loop {
            let round = store
                .forget_personal_data(now, now.date_naive(), Duration::days(30), 1)
                .unwrap();
            all.taps += round.taps;
            all.mirror_rows += round.mirror_rows;
            if !round.more {
                break;
            }
        }
        assert_eq!((all.taps, all.mirror_rows), (1, 1));
        for table in ["outbox", "mirror_items"] {
            let old = detail(&store, table, "1");
            for field in ["address", "phone", "delivery_note"] {
                assert!(old.get(field).is_none(), "{table}: {field} in {old}");
            }
            // What the kitchen made, and when, is history: kept.
            assert_eq!(old["note"], "cut in 8", "{table}");
            assert_eq!(old["lines"][0]["item"], "Margherita", "{table}");
            let new = detail(&store, table, "2");
            assert_eq!(new["address"], "Rua Augusta, 1200", "{table}");
        }
        // A second pass finds nothing more.
        let again = store
            .forget_personal_data(now, now.date_naive(), Duration::days(30), 100)
            .unwrap();
        assert_eq!(again.total(), 0);
    }
}
