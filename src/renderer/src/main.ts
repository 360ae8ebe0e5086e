import { createApp } from 'vue'
import { createPinia } from 'pinia'
import '@xterm/xterm/css/xterm.css'
import './styles.css'
import App from './App.vue'
import { connect } from './transport'
import { useLab } from './stores/lab'
import { ConsoleHub } from './consoles/console-hub'
import { CONSOLE_HUB } from './consoles/inject'
import { applyTheme } from './theme'

applyTheme(document.documentElement)
const transport = connect()
const app = createApp(App)
app.use(createPinia())
const hub = new ConsoleHub(transport.bridge)
app.provide(CONSOLE_HUB, hub)
const lab = useLab()
transport.onConnection((connected) => {
  lab.setConnected(connected)
  hub.connection(connected)
  // After a reconnect the back end may have moved on: take a fresh snapshot.
  if (connected) void transport.bridge.call('lab.snapshot', {}).then((s) => lab.apply(s), () => {})
})
void lab.attach(transport.bridge)
app.mount('#app')
