/** The settings part of the message catalogue: keys `settings.…`. */
export const en = {
  "settings.form": "Settings",

  // This device.
  "settings.thisDevice": "This device",
  "settings.deviceName": "Device name",
  "settings.deviceNameHint": "Shown on every tap this device makes.",
  "settings.role": "Role",
  "settings.roleKitchen": "Kitchen",
  "settings.roleKitchenHint": "Order cards and stage buttons",
  "settings.roleDriverStation": "Driver station",
  "settings.roleDriverStationHint": "Ready orders; polls the delivery queue",
  "settings.roleManager": "Manager",
  "settings.roleManagerHint": "The day's timeline, figures and export",

  // Cloud.
  "settings.cloud": "Cloud",
  "settings.cloudNote":
    "This app never stores AWS keys. It signs in with the default credential chain: the profile below (or AWS_PROFILE), SSO sessions, environment variables, or the machine's role.",
  "settings.awsProfile": "AWS profile",
  "settings.awsProfileHint": "Blank: the default chain.",
  "settings.awsRegion": "AWS region",
  "settings.awsRegionHint": "Blank: from the profile or AWS_REGION.",
  "settings.endpointUrl": "Endpoint override",
  "settings.endpointUrlHint":
    "Blank: AWS itself, or the local cloud on this machine. https://, or http:// to this machine only.",
  "settings.busName": "Event bus",
  "settings.busNameHint": "EventBridge bus the taps are published to.",
  "settings.tableName": "Event table",
  "settings.tableNameHint": "DynamoDB table of every event.",
  "settings.deliveryQueueName": "Delivery queue",
  "settings.deliveryQueueNameHint": "SQS queue of ready orders (driver stations).",

  // Screens.
  "settings.screens": "Screens",
  "settings.warnAfterMinutes": "Amber after (minutes)",
  "settings.warnAfterMinutesHint": "An order open this long turns amber on the board.",
  "settings.lateAfterMinutes": "Late after (minutes)",
  "settings.lateAfterMinutesHint": "An order open this long turns red and counts as late.",
  "settings.readySound": "Beep on the drivers' screen when an order becomes ready",
  "settings.keepDays": "Keep days on this device",
  "settings.keepDaysHint": "Older days leave this device; the cloud keeps them, and opening one reads it back.",
  "settings.language": "Language",
  "settings.languageSystem": "System ({name})",

  // The form's own checks.
  "settings.wholeMinutes": "Enter a whole number of minutes",
  "settings.wholeDays": "Enter a whole number of days",

  // Saving and testing.
  "settings.save": "Save",
  "settings.saving": "Saving…",
  "settings.testConnection": "Test connection",
  "settings.testing": "Testing…",
  "settings.saved": "Saved",
  "settings.notSaved": "Not saved: see the field in red",

  // The connection test.
  "settings.connectionTest": "Connection test",
  "settings.verdictOk": "OK",
  "settings.verdictMissing": "Missing",
  "settings.verdictForbidden": "Forbidden: no permission",
  "settings.verdictUnreachable": "Unreachable",
  "settings.verdictWaiting": "Events waiting",
  "settings.verdictError": "Error",
  "settings.resourceCredentials": "Credentials",
  "settings.resourceBus": "Event bus",
  "settings.resourceTable": "Event table",
  "settings.resourceIndex": "Table index",
  "settings.resourceQueue": "Delivery queue",
  "settings.resourceDeadLetters": "Dead-letter queue",
  "settings.resourceBusinessDay": "Business day",
} as const;

export const pt: Record<keyof typeof en, string> = {
  "settings.form": "Configurações",

  "settings.thisDevice": "Este dispositivo",
  "settings.deviceName": "Nome do dispositivo",
  "settings.deviceNameHint": "Aparece em cada toque que este dispositivo faz.",
  "settings.role": "Função",
  "settings.roleKitchen": "Cozinha",
  "settings.roleKitchenHint": "Cartões dos pedidos e botões das etapas",
  "settings.roleDriverStation": "Estação de entregadores",
  "settings.roleDriverStationHint": "Pedidos prontos; consulta a fila de entregas",
  "settings.roleManager": "Gerente",
  "settings.roleManagerHint": "A linha do tempo do dia, os números e a exportação",

  "settings.cloud": "Nuvem",
  "settings.cloudNote":
    "Este aplicativo nunca guarda chaves da AWS. Ele se autentica com a cadeia de credenciais padrão: o perfil abaixo (ou AWS_PROFILE), sessões SSO, variáveis de ambiente ou a função da máquina.",
  "settings.awsProfile": "Perfil da AWS",
  "settings.awsProfileHint": "Em branco: a cadeia padrão.",
  "settings.awsRegion": "Região da AWS",
  "settings.awsRegionHint": "Em branco: a do perfil ou de AWS_REGION.",
  "settings.endpointUrl": "Endpoint alternativo",
  "settings.endpointUrlHint":
    "Em branco: a própria AWS, ou a nuvem local nesta máquina. https://, ou http:// só para esta máquina.",
  "settings.busName": "Barramento de eventos",
  "settings.busNameHint": "Barramento do EventBridge onde os toques são publicados.",
  "settings.tableName": "Tabela de eventos",
  "settings.tableNameHint": "Tabela do DynamoDB com todos os eventos.",
  "settings.deliveryQueueName": "Fila de entregas",
  "settings.deliveryQueueNameHint": "Fila do SQS com os pedidos prontos (estações de entregadores).",

  "settings.screens": "Telas",
  "settings.warnAfterMinutes": "Âmbar depois de (minutos)",
  "settings.warnAfterMinutesHint": "Um pedido aberto há esse tempo fica âmbar no painel.",
  "settings.lateAfterMinutes": "Atrasado depois de (minutos)",
  "settings.lateAfterMinutesHint": "Um pedido aberto há esse tempo fica vermelho e conta como atrasado.",
  "settings.readySound": "Apitar na tela dos entregadores quando um pedido ficar pronto",
  "settings.keepDays": "Dias guardados neste dispositivo",
  "settings.keepDaysHint":
    "Os dias mais antigos saem deste dispositivo; a nuvem os guarda, e abrir um deles o traz de volta.",
  "settings.language": "Idioma",
  "settings.languageSystem": "Sistema ({name})",

  "settings.wholeMinutes": "Digite um número inteiro de minutos",
  "settings.wholeDays": "Digite um número inteiro de dias",

  "settings.save": "Salvar",
  "settings.saving": "Salvando…",
  "settings.testConnection": "Testar conexão",
  "settings.testing": "Testando…",
  "settings.saved": "Salvo",
  "settings.notSaved": "Não salvo: veja o campo em vermelho",

  "settings.connectionTest": "Teste de conexão",
  "settings.verdictOk": "OK",
  "settings.verdictMissing": "Não existe",
  "settings.verdictForbidden": "Proibido: sem permissão",
  "settings.verdictUnreachable": "Inacessível",
  "settings.verdictWaiting": "Eventos esperando",
  "settings.verdictError": "Erro",
  "settings.resourceCredentials": "Credenciais",
  "settings.resourceBus": "Barramento de eventos",
  "settings.resourceTable": "Tabela de eventos",
  "settings.resourceIndex": "Índice da tabela",
  "settings.resourceQueue": "Fila de entregas",
  "settings.resourceDeadLetters": "Fila de mensagens não entregues",
  "settings.resourceBusinessDay": "Dia de operação",
};
