import type { InjectionKey } from 'vue'
import type { ConsoleHub } from './console-hub'

export const CONSOLE_HUB: InjectionKey<ConsoleHub> = Symbol('console hub')
