// The websocket manager the chat UI talks to (the canonical one).
export class WebSocketManager {
  constructor() {
    this.sockets = new Map();
  }

  add(userId, socket) {
    this.sockets.set(userId, socket);
  }
}
