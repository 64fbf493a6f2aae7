import { createApp, h } from "vue";
createApp({ render: () => h("p", "public") }).mount("#app");
