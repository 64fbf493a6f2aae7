// The public disclosure page (信息公示, /public/): Vue 3 and the Element Plus components it
// uses, registered one by one so that the bundle carries only those. Chinese first, English
// on request; no token; everything from /public/v1/ on this server.

import "element-plus/dist/index.css";
import "./style.css";

import {
  ElAlert,
  ElButton,
  ElConfigProvider,
  ElEmpty,
  ElInput,
  ElOption,
  ElPagination,
  ElRadioButton,
  ElRadioGroup,
  ElSelect,
  ElTabPane,
  ElTabs,
  ElTag,
} from "element-plus";
import { createApp } from "vue";

import App from "./App.vue";

const app = createApp(App);
for (const component of [
  ElAlert,
  ElButton,
  ElConfigProvider,
  ElEmpty,
  ElInput,
  ElOption,
  ElPagination,
  ElRadioButton,
  ElRadioGroup,
  ElSelect,
  ElTabPane,
  ElTabs,
  ElTag,
]) {
  app.component(component.name, component); // some (ElRadioButton, ElTabPane) install nothing by app.use
}
app.mount("#app");
