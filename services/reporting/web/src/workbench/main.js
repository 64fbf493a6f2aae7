import { createApp, h } from "vue";
createApp({ render: () => h("p", "workbench") }).mount("#app");
