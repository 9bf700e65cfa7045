import { describe, expect, it } from "vitest";
import { hasAuthorizationHeader, requestShapeProblem } from "./case-request.ts";

describe("requestShapeProblem", () => {
  it("accepts the shapes decide reads", () => {
    expect(
      requestShapeProblem({ type: "egress", source: "a", destination: "b", port: 1 }),
    ).toBeNull();
    expect(
      requestShapeProblem({
        type: "request",
        destination: "b",
        port: 1,
        action: "x:read",
        headers: {},
        source: "a",
        transportIdentity: "a",
        protocol: "tcp",
      }),
    ).toBeNull();
  });

  it("names a missing, misspelt or unknown type", () => {
    expect(requestShapeProblem({ source: "a" })).toBe(
      "the request has no `type`; give one of `connection`, `ingress`, `egress`, `request`",
    );
    expect(requestShapeProblem({ type: "conection" })).toBe(
      "unknown request type `conection`; did you mean `connection`?",
    );
    expect(requestShapeProblem({ type: 7 })).toBe(
      "unknown request type `7`; give one of `connection`, `ingress`, `egress`, `request`",
    );
  });

  it("refuses fields the type does not read and lists the missing ones", () => {
    expect(
      requestShapeProblem({
        type: "connection",
        source: "a",
        destination: "b",
        port: 1,
        action: "x",
      }),
    ).toBe("unknown field `action` in a request of `type: connection`");
    expect(requestShapeProblem({ type: "connection", destination: "b" })).toBe(
      "a request of `type: connection` needs `source`, `port`",
    );
  });
});

describe("hasAuthorizationHeader", () => {
  it("finds the header in any letter case", () => {
    expect(hasAuthorizationHeader({ AUTHORIZATION: "Bearer x" })).toBe(true);
    expect(hasAuthorizationHeader({ accept: "x" })).toBe(false);
    expect(hasAuthorizationHeader(undefined)).toBe(false);
  });
});
