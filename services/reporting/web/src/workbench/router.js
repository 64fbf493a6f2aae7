// The workbench's addresses (#/…): the sign-in page, and the frame with the home page and
// every screen of the registry (screens.js). A page needs a signed-in officer; the frame
// itself tells an officer whose roles do not allow a screen.
import { createRouter, createWebHashHistory } from "vue-router";

import { pick, t } from "@/shared/i18n.js";

import HomePage from "./home/HomePage.vue";
import AppLayout from "./layout/AppLayout.vue";
import NotFound from "./layout/NotFound.vue";
import LoginPage from "./login/LoginPage.vue";
import { SCREENS } from "./screens.js";
import { onSignedOut, session, takeAfterSignIn, touch } from "./session.js";

/** The window's title for `route`, in the page's language. */
export function titleOf(route) {
  const screen = route.meta.screen;
  const title = screen ? pick(screen.title) : route.name === "login" ? t("login.title") : t("app.home");
  return `${title} · ${t("app.title")}`;
}

export function createWorkbenchRouter(ready) {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: "/login", name: "login", component: LoginPage, meta: { public: true } },
      {
        path: "/",
        component: AppLayout,
        children: [
          { path: "", name: "home", component: HomePage },
          ...SCREENS.map((screen) => ({
            path: screen.path,
            name: screen.name,
            component: screen.component,
            meta: { screen },
          })),
          { path: ":missing(.*)*", name: "not-found", component: NotFound },
        ],
      },
    ],
    scrollBehavior: () => ({ top: 0 }),
  });

  router.beforeEach(async (to) => {
    await ready;
    const signedIn = session.status === "signed-in";
    if (!to.meta.public && !signedIn) {
      const query = to.name === "home" ? {} : { redirect: to.fullPath };
      if (session.ended) query.ended = session.ended; // why: expired, unreachable…
      return { name: "login", query };
    }
    if (to.name === "login" && signedIn) return { path: takeAfterSignIn() || "/" };
    if (to.name === "home" && signedIn) {
      const after = takeAfterSignIn();
      if (after && after !== "/") return { path: after };
    }
    return true;
  });

  router.afterEach(() => touch());

  router.onError((error) => {
    // a screen's module failed to load (a new build replaced it): the frame says so
    console.warn("screen failed to load", error);
  });

  onSignedOut((reason) => {
    const current = router.currentRoute.value;
    if (current.name !== "login") {
      router.replace({ name: "login", query: { ended: reason, redirect: current.fullPath } });
    }
  });

  return router;
}
