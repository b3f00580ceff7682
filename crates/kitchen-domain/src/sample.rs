//! A made-up pizzeria, for `kitchen simulate`, the footprint benchmark's day and
//! the browser demo (its lists are generated into the UI's `contract.ts`): its
//! customers, and what it sells as its counter writes it (in Portuguese).

use crate::contents::{OrderContents, OrderLine};

/// The customers' names; some with an apostrophe, a comma or a space, as real ones have.
pub const CLIENTS: &[&str] = &[
    "Ana",
    "Bruno",
    "Carla",
    "Diego",
    "Elena",
    "Fábio",
    "Gabi",
    "Hugo",
    "Inês",
    "João",
    "Karin",
    "Luís",
    "Marta",
    "Nuno",
    "Olga",
    "Paulo",
    "Quim",
    "Rita",
    "Sara",
    "Tiago",
    "Ulla",
    "Vera",
    "Wen",
    "Xavi",
    "Yara",
    "Zé",
    "O'Brien",
    "Smith, J.",
    "Mei Lin",
    "Priya",
];

pub const PIZZAS: &[&str] = &[
    "Margherita",
    "Calabresa",
    "Quatro Queijos",
    "Portuguesa",
    "Frango com Catupiry",
    "Napolitana",
    "Pepperoni",
    "Marguerita Vegana",
];
pub const SIZES: &[&str] = &["broto", "média", "grande"];
pub const MODIFIERS: &[&str] = &[
    "queijo extra",
    "sem cebola",
    "com azeitona",
    "borda recheada",
    "bem passada",
];
pub const SIDES: &[&str] = &["Guaraná 2L", "Coca-Cola 2L", "Pão de alho", "Brownie"];
/// The kitchen's notes on an order.
pub const NOTES: &[&str] = &[
    "cortar em 8",
    "sem orégano",
    "aniversário: mandar vela",
    "alergia a nozes",
];
pub const STREETS: &[&str] = &[
    "Rua Augusta",
    "Rua Oscar Freire",
    "Avenida Paulista",
    "Rua da Consolação",
    "Alameda Santos",
    "Rua Haddock Lobo",
];
/// The driver's notes on where an order goes.
pub const DELIVERY_NOTES: &[&str] = &[
    "tocar duas vezes",
    "deixar na portaria",
    "portão azul",
    "ligar ao chegar",
];

/// The customer of order `i`.
pub fn client(i: u64) -> &'static str {
    CLIENTS[(i % CLIENTS.len() as u64) as usize]
}

/// What order `i` is: one to three pizzas, sometimes a side, a note now and
/// then, and an address, a phone and a driver's note. The same `i` always
/// gives the same order.
pub fn order_contents(i: u64) -> OrderContents {
    let pick = |list: &[&str], salt: u64| {
        list[((i * 7 + salt * 13) % list.len() as u64) as usize].to_owned()
    };
    let mut lines: Vec<OrderLine> = (0..1 + i % 3)
        .map(|n| OrderLine {
            quantity: 1 + u32::from((i + n).is_multiple_of(4)),
            item: pick(PIZZAS, n),
            size: Some(pick(SIZES, n + 1)),
            modifiers: if (i + n).is_multiple_of(3) {
                vec![pick(MODIFIERS, n + 2)]
            } else {
                Vec::new()
            },
        })
        .collect();
    if i.is_multiple_of(2) {
        lines.push(OrderLine {
            quantity: 1,
            item: pick(SIDES, 3),
            size: None,
            modifiers: Vec::new(),
        });
    }
    OrderContents {
        lines,
        note: (i % 4 == 1).then(|| pick(NOTES, 4)),
        address: Some(format!("{}, {}", pick(STREETS, 5), 10 + (i * 37) % 1900)),
        phone: Some(format!(
            "+55 11 9{:04}-{:04}",
            (i * 7919) % 10000,
            (i * 104_729) % 10000
        )),
        delivery_note: (i % 5 == 2).then(|| pick(DELIVERY_NOTES, 6)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    #[test]
    fn every_invented_order_is_valid_varied_and_the_same_each_time() {
        let orders: Vec<OrderContents> = (0..120).map(order_contents).collect();
        for (i, contents) in orders.iter().enumerate() {
            let checked = contents.clone().validated(Status::OrderDone);
            assert_eq!(checked.as_ref(), Ok(contents), "order {i}");
            assert!(contents.address.is_some() && contents.phone.is_some());
        }
        let items: std::collections::BTreeSet<&str> = orders
            .iter()
            .flat_map(|c| c.lines.iter().map(|l| l.item.as_str()))
            .collect();
        assert!(items.len() >= 6, "{items:?}");
        assert!(orders.iter().any(|c| c.lines.len() >= 3));
        assert!(orders.iter().any(|c| c.note.is_some()));
        assert!(orders.iter().any(|c| c.delivery_note.is_some()));
        assert_eq!(order_contents(7), order_contents(7));
        assert_eq!(client(0), "Ana");
        assert_eq!(client(CLIENTS.len() as u64), "Ana");
    }
}
