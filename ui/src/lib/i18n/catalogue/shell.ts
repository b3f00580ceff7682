/** The shell part of the message catalogue: keys `shell.…`. */
export const en = {
  // App.svelte
  "shell.appTitle": "Kitchen Dashboard",
  "shell.loading": "Loading…",
  "shell.settingsUnreadable": "Could not read this device's settings: {error}",
  "shell.settingsLoading": "loading…",

  // The top bar and its tabs
  "shell.screensNav": "Screens",
  "shell.tabKitchen": "Kitchen",
  "shell.tabDrivers": "Drivers",
  "shell.tabManager": "Manager",
  "shell.tabSettings": "Settings",
  "shell.previewBadge": "Browser preview · sample data",

  // The status bar
  "shell.databaseDamaged": "Database damaged",
  "shell.tapsRefusedUntilRepaired": "Taps refused until it is repaired",
  "shell.connecting": "Connecting…",
  "shell.online": "Online",
  "shell.degraded": "Degraded",
  "shell.offline": "Offline",
  "shell.allTapsPublished": "All taps published",
  "shell.tapsUnpublishedOne": "{count} tap not yet published",
  "shell.tapsUnpublishedOther": "{count} taps not yet published",
  "shell.tapsRejectedOne": "{count} tap refused by the cloud",
  "shell.tapsRejectedOther": "{count} taps refused by the cloud",
  "shell.notSyncedYet": "not synced yet",
  "shell.lastSync": "last sync {time}",
  "shell.lastCheck": "checked {time}",
  "shell.unknownTime": "unknown",
  "shell.clockOff": "This device's clock is {off}",
  "shell.clockMinutesFast": "{count} min fast",
  "shell.clockMinutesSlow": "{count} min slow",
  "shell.clockSecondsFast": "{count} s fast",
  "shell.clockSecondsSlow": "{count} s slow",
  "shell.businessDayUnconfirmed": "Business day not confirmed by the cloud yet",
  "shell.deadLettersOne": "{count} event in the dead-letter queues: kitchen cloud redrive",
  "shell.deadLettersOther": "{count} events in the dead-letter queues: kitchen cloud redrive",

  // The About panel
  "shell.aboutHeading": "About this device",
  "shell.aboutApp": "App",
  "shell.aboutVersion": "Version",
  "shell.aboutBusinessDay": "Business day",
  "shell.aboutBusinessDayFrom": "{zone}, from {hour}:00",
  "shell.aboutBusinessDayConfirmed":
    "set for the whole stack (the store's time zone and day-start hour), the same on every device",
  "shell.aboutBusinessDayUnconfirmed": "not confirmed by the cloud yet: this device's own configuration until it connects",
  "shell.aboutDataFolder": "Data folder",

  // The repair screen
  "shell.damagedTitle": "This device's database is damaged",
  "shell.damagedFile": "File",
  "shell.damagedFileUnnamed": "(the shell did not name it)",
  "shell.damagedDetail": "What SQLite said",
  "shell.damagedTapsRefused": "New taps are refused until it is repaired",
  "shell.damagedTapsRefusedWhy": ", so no tap is dropped without you knowing.",
  "shell.damagedNothingDeleted": "Nothing has been deleted.",
  "shell.damagedTapsStillThere": "The taps not yet published are still in the file.",
  "shell.damagedRepairDoes":
    "Repairing renames the damaged file and keeps it next to the new one, carries this device's unpublished taps and settings over, and fetches the orders again from the cloud.",
  "shell.repairFailed": "The repair did not finish: {error}. Nothing was deleted; you can try again.",
  "shell.repairing": "Repairing… {seconds} s",
  "shell.repairButton": "Set the damaged file aside and rebuild from the cloud",
  "shell.repairingLabel": "Repairing the database",
  "shell.repairingSteps": "Setting the file aside, carrying the taps over and rebuilding from the cloud…",
  "shell.repairedTitle": "The database is repaired",
  "shell.continue": "Continue",

  // The repair's report
  "shell.reportKeptAt": "The damaged file is kept at {path}.",
  "shell.reportNoTaps": "No taps were waiting to be published.",
  "shell.reportTapsCarriedOne": "{count} tap not yet published was carried over and will be published.",
  "shell.reportTapsCarriedOther": "{count} taps not yet published were carried over and will be published.",
  "shell.reportSettingsLost": "This device's settings could not be carried over: check them on the Settings screen.",
  "shell.reportRecordsCarriedOne":
    "{count} other record (this device's name and settings, deliveries, claims) was carried over.",
  "shell.reportRecordsCarriedOther":
    "{count} other records (this device's name and settings, deliveries, claims) were carried over.",
  "shell.reportUnreadable": "Could not be read from the damaged file (it stays in it): {what}",
  "shell.reportRebuilt": "Rebuilt from the cloud: {days}.",
  "shell.reportMirrorError":
    "The orders from the cloud could not be loaded yet ({error}); they fill in by themselves once the cloud answers.",
  "shell.reportNoDays": "No days were rebuilt from the cloud: there were none to copy.",
  "shell.daysRun": "{count} days, {first} to {last}",
  "shell.daysList": "{list} and {last}",
} as const;

export const pt: Record<keyof typeof en, string> = {
  "shell.appTitle": "Painel da Cozinha",
  "shell.loading": "Carregando…",
  "shell.settingsUnreadable": "Não foi possível ler as configurações deste dispositivo: {error}",
  "shell.settingsLoading": "carregando…",

  "shell.screensNav": "Telas",
  "shell.tabKitchen": "Cozinha",
  "shell.tabDrivers": "Entregadores",
  "shell.tabManager": "Gerente",
  "shell.tabSettings": "Configurações",
  "shell.previewBadge": "Prévia · dados de exemplo",

  "shell.databaseDamaged": "Banco de dados danificado",
  "shell.tapsRefusedUntilRepaired": "Toques recusados até o reparo",
  "shell.connecting": "Conectando…",
  "shell.online": "Online",
  "shell.degraded": "Instável",
  "shell.offline": "Offline",
  "shell.allTapsPublished": "Todos os toques publicados",
  "shell.tapsUnpublishedOne": "{count} toque ainda não publicado",
  "shell.tapsUnpublishedOther": "{count} toques ainda não publicados",
  "shell.tapsRejectedOne": "{count} toque recusado pela nuvem",
  "shell.tapsRejectedOther": "{count} toques recusados pela nuvem",
  "shell.notSyncedYet": "ainda não sincronizado",
  "shell.lastSync": "última sincronização {time}",
  "shell.lastCheck": "verificado {time}",
  "shell.unknownTime": "desconhecido",
  "shell.clockOff": "O relógio deste dispositivo está {off}",
  "shell.clockMinutesFast": "{count} min adiantado",
  "shell.clockMinutesSlow": "{count} min atrasado",
  "shell.clockSecondsFast": "{count} s adiantado",
  "shell.clockSecondsSlow": "{count} s atrasado",
  "shell.businessDayUnconfirmed": "Dia de operação ainda não confirmado pela nuvem",
  "shell.deadLettersOne": "{count} evento nas filas de mensagens não entregues: kitchen cloud redrive",
  "shell.deadLettersOther": "{count} eventos nas filas de mensagens não entregues: kitchen cloud redrive",

  "shell.aboutHeading": "Sobre este dispositivo",
  "shell.aboutApp": "Aplicativo",
  "shell.aboutVersion": "Versão",
  "shell.aboutBusinessDay": "Dia de operação",
  "shell.aboutBusinessDayFrom": "{zone}, a partir das {hour}:00",
  "shell.aboutBusinessDayConfirmed":
    "definido para toda a instalação (o fuso horário da loja e a hora de início do dia), igual em todos os dispositivos",
  "shell.aboutBusinessDayUnconfirmed":
    "ainda não confirmado pela nuvem: vale a configuração deste dispositivo até ele se conectar",
  "shell.aboutDataFolder": "Pasta de dados",

  "shell.damagedTitle": "O banco de dados deste dispositivo está danificado",
  "shell.damagedFile": "Arquivo",
  "shell.damagedFileUnnamed": "(o aplicativo não informou qual)",
  "shell.damagedDetail": "O que o SQLite disse",
  "shell.damagedTapsRefused": "Novos toques são recusados até o reparo",
  "shell.damagedTapsRefusedWhy": ", para que nenhum toque se perca sem você saber.",
  "shell.damagedNothingDeleted": "Nada foi apagado.",
  "shell.damagedTapsStillThere": "Os toques ainda não publicados continuam no arquivo.",
  "shell.damagedRepairDoes":
    "O reparo renomeia o arquivo danificado e o guarda ao lado do novo, transfere os toques não publicados e as configurações deste dispositivo, e busca os pedidos de novo na nuvem.",
  "shell.repairFailed": "O reparo não terminou: {error}. Nada foi apagado; você pode tentar de novo.",
  "shell.repairing": "Reparando… {seconds} s",
  "shell.repairButton": "Separar o arquivo danificado e reconstruir da nuvem",
  "shell.repairingLabel": "Reparando o banco de dados",
  "shell.repairingSteps": "Separando o arquivo, transferindo os toques e reconstruindo da nuvem…",
  "shell.repairedTitle": "O banco de dados foi reparado",
  "shell.continue": "Continuar",

  "shell.reportKeptAt": "O arquivo danificado foi guardado em {path}.",
  "shell.reportNoTaps": "Nenhum toque esperava para ser publicado.",
  "shell.reportTapsCarriedOne": "{count} toque ainda não publicado foi transferido e será publicado.",
  "shell.reportTapsCarriedOther": "{count} toques ainda não publicados foram transferidos e serão publicados.",
  "shell.reportSettingsLost":
    "Não foi possível transferir as configurações deste dispositivo: confira-as na tela Configurações.",
  "shell.reportRecordsCarriedOne":
    "{count} outro registro (nome e configurações deste dispositivo, entregas, pedidos pegos) foi transferido.",
  "shell.reportRecordsCarriedOther":
    "{count} outros registros (nome e configurações deste dispositivo, entregas, pedidos pegos) foram transferidos.",
  "shell.reportUnreadable": "Não foi possível ler do arquivo danificado (continua nele): {what}",
  "shell.reportRebuilt": "Reconstruído da nuvem: {days}.",
  "shell.reportMirrorError":
    "Os pedidos da nuvem ainda não puderam ser carregados ({error}); eles aparecem sozinhos assim que a nuvem responder.",
  "shell.reportNoDays": "Nenhum dia foi reconstruído da nuvem: não havia nenhum para copiar.",
  "shell.daysRun": "{count} dias, de {first} a {last}",
  "shell.daysList": "{list} e {last}",
};
