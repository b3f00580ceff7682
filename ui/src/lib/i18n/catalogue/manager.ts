/** The manager part of the message catalogue: keys `manager.…`. */
export const en = {
  // Picking the day.
  "manager.previousDay": "Previous day",
  "manager.nextDay": "Next day",
  "manager.day": "Day",
  "manager.today": "Today",
  "manager.ordersOne": "{count} order",
  "manager.ordersOther": "{count} orders",
  "manager.eventsOne": "{count} event",
  "manager.eventsOther": "{count} events",
  "manager.exportCsv": "Export CSV",
  "manager.savedTo": "Saved to {path}",
  "manager.notSaved": "Not saved: {error}",
  "manager.cannotRead": "Cannot read {day}: {error}",

  // Time per stage.
  "manager.timePerStage": "Time per stage",
  "manager.stage": "Stage",
  "manager.median": "Median",
  "manager.p90": "p90",
  "manager.orders": "Orders",

  // Orders per hour.
  "manager.ordersPerHour": "Orders per hour",
  "manager.hour": "{hour}h",

  // Late orders.
  "manager.lateOrders": "Late orders",
  "manager.lateRule": "ready more than {minutes} min after the order",
  "manager.enteredAt": "in {time}",
  "manager.notReadyYet": "not ready yet",
  "manager.readyAt": "ready {time}",

  // The timeline.
  "manager.timeline": "Timeline",
  "manager.stageColours": "Stage colours",
  "manager.noOrders": "No orders this day.",
  "manager.loading": "Loading…",
  "manager.timelinePerOrder": "Timeline per order",
  "manager.segment": "{status}: {from}–{to}",

  // The replay.
  "manager.replay": "Replay",
  "manager.boardAt": "Board at",
  // After the minute: "Board at 19:30 · 5 open"; English says "open" for one and more.
  "manager.openOne": "· {count} open",
  "manager.openOther": "· {count} open",
  "manager.minutesEarlierOne": "{count} minute earlier",
  "manager.minutesEarlierOther": "{count} minutes earlier",
  "manager.minutesLaterOne": "{count} minute later",
  "manager.minutesLaterOther": "{count} minutes later",
  "manager.minuteOfDay": "Minute of the day",
  "manager.kitchenBoardAt": "Kitchen board at {time}",
} as const;

export const pt: Record<keyof typeof en, string> = {
  "manager.previousDay": "Dia anterior",
  "manager.nextDay": "Próximo dia",
  "manager.day": "Dia",
  "manager.today": "Hoje",
  "manager.ordersOne": "{count} pedido",
  "manager.ordersOther": "{count} pedidos",
  "manager.eventsOne": "{count} evento",
  "manager.eventsOther": "{count} eventos",
  "manager.exportCsv": "Exportar CSV",
  "manager.savedTo": "Salvo em {path}",
  "manager.notSaved": "Não salvo: {error}",
  "manager.cannotRead": "Não foi possível ler {day}: {error}",

  "manager.timePerStage": "Tempo por etapa",
  "manager.stage": "Etapa",
  "manager.median": "Mediana",
  "manager.p90": "p90",
  "manager.orders": "Pedidos",

  "manager.ordersPerHour": "Pedidos por hora",
  "manager.hour": "{hour}h",

  "manager.lateOrders": "Pedidos atrasados",
  "manager.lateRule": "prontos mais de {minutes} min depois do pedido",
  "manager.enteredAt": "às {time}",
  "manager.notReadyYet": "ainda não pronto",
  "manager.readyAt": "pronto às {time}",

  "manager.timeline": "Linha do tempo",
  "manager.stageColours": "Cores das etapas",
  "manager.noOrders": "Nenhum pedido neste dia.",
  "manager.loading": "Carregando…",
  "manager.timelinePerOrder": "Linha do tempo por pedido",
  "manager.segment": "{status}: {from}–{to}",

  "manager.replay": "Reprodução",
  "manager.boardAt": "Painel às",
  "manager.openOne": "· {count} pedido aberto",
  "manager.openOther": "· {count} pedidos abertos",
  "manager.minutesEarlierOne": "{count} minuto antes",
  "manager.minutesEarlierOther": "{count} minutos antes",
  "manager.minutesLaterOne": "{count} minuto depois",
  "manager.minutesLaterOther": "{count} minutos depois",
  "manager.minuteOfDay": "Minuto do dia",
  "manager.kitchenBoardAt": "Painel da cozinha às {time}",
};
