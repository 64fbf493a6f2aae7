// The officers' workbench (业务工作台, /workbench/): Vue 3 and Element Plus, built by Vite
// (web/vite.config.mjs). Everything it shows and does is a call to the services' APIs
// with the signed-in officer's token; the page holds no rule the API does not.
import "element-plus/dist/index.css";
import "./theme.css";

import ElementPlus from "element-plus";
import { createApp, watchEffect } from "vue";

import { addMessages } from "@/shared/i18n.js";

import App from "./App.vue";
import en from "./i18n/en.js";
import zh from "./i18n/zh.js";
import { createWorkbenchRouter, titleOf } from "./router.js";
import { restore, touch } from "./session.js";

addMessages({ zh, en });

const ready = restore();
const router = createWorkbenchRouter(ready);

const app = createApp(App);
app.use(ElementPlus);
app.use(router);
app.mount("#app");

// work, not mere presence, keeps the session alive (see session.js)
for (const event of ["pointerdown", "keydown"]) document.addEventListener(event, touch, { passive: true });

// the window's title follows the screen and the language
watchEffect(() => {
  document.title = titleOf(router.currentRoute.value);
});

// for the tests: the session is known and the first screen is routed
router.isReady().then(() => document.body.setAttribute("data-ready", "true"));
