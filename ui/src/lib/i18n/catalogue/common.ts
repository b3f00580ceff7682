/**
 * What every screen says: the statuses' names, and words shared by screens.
 * Keys are `area.what`; `{name}` is filled in by `t(key, { name })`.
 */
export const en = {
  "status.order done": "Order done",
  "status.preparing": "Preparing",
  "status.in the oven": "In the oven",
  "status.left the oven": "Left the oven",
  "status.packing for delivery": "Packing for delivery",
  "status.ready": "Ready",
  "status.picked up": "Picked up",
  "status.delivered": "Delivered",
  "status.cancelled": "Cancelled",
} as const;

export const pt: Record<keyof typeof en, string> = {
  "status.order done": "Pedido feito",
  "status.preparing": "Preparando",
  "status.in the oven": "No forno",
  "status.left the oven": "Saiu do forno",
  "status.packing for delivery": "Embalando para entrega",
  "status.ready": "Pronto",
  "status.picked up": "Retirado",
  "status.delivered": "Entregue",
  "status.cancelled": "Cancelado",
};
