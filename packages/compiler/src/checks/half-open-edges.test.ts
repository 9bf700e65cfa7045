import { describe, expect, it } from "vitest";
import { compileTexts } from "../test-helpers.ts";

const BILLING = `service billing {
  egress {
    allow to orders port 8443
    allow to inventory port 9000
  }
}
`;
const TARGETS = `service orders {
  ingress {
    allow from billing port 8443
  }
}
service inventory {
  ingress {
    allow from billing port 9000
  }
}
`;

describe("check/ingress-unused (case 17a)", () => {
  it("warns where dns admits billing but billing's egress never goes to dns", () => {
    const result = compileTexts({
      "billing.policy": BILLING,
      "targets.policy": TARGETS,
      "dns.policy":
        "service dns {\n  ingress {\n    allow from billing port 53 protocols udp, tcp\n  }\n}\n",
    });
    expect(result.ir).not.toBeNull();
    const found = result.withCode("check/ingress-unused");
    expect(found.map((d) => `${d.span.file} ${d.severity} «${result.underline(d)}»`)).toEqual([
      "dns.policy warning «billing»",
    ]);
    expect(found[0]?.message).toBe(
      "`dns` admits `billing` here, but no egress rule of `billing` reaches `dns` on ports 53 " +
        "over tcp, udp",
    );
    expect(found[0]?.help).toBe(
      "add `allow to dns ports 53 protocols tcp, udp` to the egress of `billing`",
    );
  });

  it("is silent once billing's egress reaches dns", () => {
    const result = compileTexts({
      "billing.policy": BILLING.replace(
        "port 9000\n",
        "port 9000\n    allow to dns port 53 protocols udp\n",
      ),
      "targets.policy": TARGETS,
      "dns.policy":
        "service dns {\n  ingress {\n    allow from billing port 53 protocols udp, tcp\n  }\n}\n",
    });
    expect(result.summary()).toEqual([]);
  });

  it("says so when the peer has no egress rules at all", () => {
    const result = compileTexts({
      "a.policy":
        "service dns {\n  ingress {\n    allow from worker port 53\n  }\n}\nservice worker {\n}\n",
    });
    expect(result.withCode("check/ingress-unused").map((d) => d.message)).toEqual([
      "`dns` admits `worker` here, but `worker` has no egress allow rules",
    ]);
  });

  it("warns at an `any` that no egress reaches", () => {
    const result = compileTexts({
      "a.policy": `service dns {
  ingress {
    allow from any port 53
  }
}
service worker {
  egress {
    allow to dns port 5353
  }
}
`,
    });
    expect(result.withCode("check/ingress-unused").map(result.underline)).toEqual(["any"]);
  });
});

describe("check/egress-unused", () => {
  it("warns where billing may reach orders on a port orders does not admit it on", () => {
    const result = compileTexts({
      "billing.policy": BILLING.replace("orders port 8443", "orders port 9443"),
      "targets.policy": TARGETS,
    });
    const found = result.withCode("check/egress-unused");
    expect(found.map((d) => `${d.span.file} ${d.severity} «${result.underline(d)}»`)).toEqual([
      "billing.policy warning «orders»",
    ]);
    expect(found[0]?.message).toBe(
      "`billing` may reach `orders` here, but no ingress rule of `orders` admits `billing` on " +
        "ports 9443 over tcp",
    );
    // The other side of the same half-open edge.
    expect(result.withCode("check/ingress-unused").map(result.underline)).toEqual(["billing"]);
  });

  it("treats a protocol mismatch as half-open (case 17b)", () => {
    const result = compileTexts({
      "a.policy": `service billing {
  egress {
    allow to dns port 53
  }
}
service dns {
  ingress {
    allow from billing port 53 protocols udp
  }
}
`,
    });
    expect(result.summary()).toEqual([
      "check/egress-unused warning «dns»",
      "check/unreachable-service warning «dns»",
      "check/ingress-unused warning «billing»",
    ]);
  });

  it("warns at an `any` that no ingress admits, and is silent when one does", () => {
    const lonely = compileTexts({
      "a.policy": "service probe {\n  egress {\n    allow to any port 80\n  }\n}\n",
    });
    expect(lonely.withCode("check/egress-unused").map(lonely.underline)).toEqual(["any"]);
    const admitted = compileTexts({
      "a.policy": `service probe {
  egress {
    allow to any port 80
  }
}
service web {
  ingress {
    allow from probe port 80
  }
}
`,
    });
    expect(admitted.withCode("check/egress-unused")).toEqual([]);
    expect(admitted.withCode("check/ingress-unused")).toEqual([]);
  });

  it("leaves undefined peers to check/undefined-peer", () => {
    const result = compileTexts({
      "a.policy": "service billing {\n  egress {\n    allow to ledger port 80\n  }\n}\n",
    });
    expect(result.summary()).toEqual(["check/undefined-peer warning «ledger»"]);
  });
});

describe("check/unreachable-service", () => {
  it("warns at a service whose ingress allows no egress ever matches", () => {
    const result = compileTexts({
      "a.policy": `service vault {
  ingress {
    allow from app port 8200
  }
}
service app {
  egress {
    allow to cache port 6379
  }
}
service cache {
  ingress {
    allow from app port 6379
  }
}
`,
    });
    const found = result.withCode("check/unreachable-service");
    expect(found.map((d) => [d.severity, result.underline(d)])).toEqual([["warning", "vault"]]);
    expect(found[0]?.message).toBe(
      "no service can reach `vault`: no egress rule in the policy set matches its ingress rules",
    );
  });

  it("is silent for a service with no ingress allows, or one naming an undefined peer", () => {
    const result = compileTexts({
      "a.policy": `service batch {
  ingress {
    deny from any
  }
}
service api {
  ingress {
    allow from gateway port 80
  }
}
`,
    });
    expect(result.withCode("check/unreachable-service")).toEqual([]);
  });
});
