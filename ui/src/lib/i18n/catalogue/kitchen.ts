/** The kitchen part of the message catalogue: keys `kitchen.…`. */
export const en = {
  // The board and its columns.
  "kitchen.board": "Kitchen board",
  // The column's count as a screen reader says it.
  "kitchen.columnCountOne": "{count} order",
  "kitchen.columnCountOther": "{count} orders",

  // An order's card.
  "kitchen.earlierDay": "An order of the business day {day}",
  "kitchen.age": "Time since the order was entered",
  "kitchen.whatToCook": "What to cook",
  "kitchen.moreLines": "+{count} more",
  "kitchen.fold": "Fold",
  "kitchen.waitingForDriver": "Waiting for a driver",

  // The tools above the board.
  "kitchen.openOne": "{count} open order",
  "kitchen.openOther": "{count} open orders",
  "kitchen.openMatchingOne": "{count} open order matching “{query}”",
  "kitchen.openMatchingOther": "{count} open orders matching “{query}”",
  "kitchen.search": "Search orders",
  "kitchen.undo": "Undo",
  "kitchen.undoCancel": "(cancel order)",
  "kitchen.allDay": "All day",
  "kitchen.moveError": "Order {order} did not move: {error}",
  "kitchen.undoError": "Could not undo: {error}",
  "kitchen.feedError": "Cannot read the open orders: {error}",

  // The new order form.
  "kitchen.newOrder": "New order",
  "kitchen.orderNumber": "Order number",
  "kitchen.client": "Client",
  "kitchen.addOrder": "Add order",
  "kitchen.items": "Items",
  "kitchen.itemsHelp": "Items, one per line: 2x Margherita (large) + olives",
  "kitchen.note": "Note for the kitchen",
  "kitchen.address": "Delivery address",
  "kitchen.phone": "Phone",
  "kitchen.deliveryNote": "Note for the driver",
  "kitchen.orderExists": "Order {order} already exists today",
} as const;

export const pt: Record<keyof typeof en, string> = {
  "kitchen.board": "Painel da cozinha",
  "kitchen.columnCountOne": "{count} pedido",
  "kitchen.columnCountOther": "{count} pedidos",

  "kitchen.earlierDay": "Pedido do expediente de {day}",
  "kitchen.age": "Tempo desde a entrada do pedido",
  "kitchen.whatToCook": "O que preparar",
  "kitchen.moreLines": "+{count} itens",
  "kitchen.fold": "Recolher",
  "kitchen.waitingForDriver": "Aguardando entregador",

  "kitchen.openOne": "{count} pedido aberto",
  "kitchen.openOther": "{count} pedidos abertos",
  "kitchen.openMatchingOne": "{count} pedido aberto com “{query}”",
  "kitchen.openMatchingOther": "{count} pedidos abertos com “{query}”",
  "kitchen.search": "Buscar pedidos",
  "kitchen.undo": "Desfazer",
  "kitchen.undoCancel": "(cancelar pedido)",
  "kitchen.allDay": "A fazer",
  "kitchen.moveError": "O pedido {order} não avançou: {error}",
  "kitchen.undoError": "Não foi possível desfazer: {error}",
  "kitchen.feedError": "Não foi possível ler os pedidos abertos: {error}",

  "kitchen.newOrder": "Novo pedido",
  "kitchen.orderNumber": "Nº do pedido",
  "kitchen.client": "Cliente",
  "kitchen.addOrder": "Adicionar",
  "kitchen.items": "Itens",
  "kitchen.itemsHelp": "Itens, um por linha: 2x Margherita (grande) + azeitonas",
  "kitchen.note": "Observação para a cozinha",
  "kitchen.address": "Endereço de entrega",
  "kitchen.phone": "Telefone",
  "kitchen.deliveryNote": "Observação para o entregador",
  "kitchen.orderExists": "O pedido {order} já existe hoje",
};
