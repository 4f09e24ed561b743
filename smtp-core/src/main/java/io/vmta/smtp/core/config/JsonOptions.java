package io.vmta.smtp.core.config;

import io.vertx.core.json.JsonObject;

/**
 * Options whose identity is their JSON form: two are equal when their {@link #toJson()} are,
 * and they print as JSON with passwords masked, so that a logged configuration never shows one.
 */
public abstract class JsonOptions {

  /** The configuration JSON that the class's JSON constructor reads back equal. */
  public abstract JsonObject toJson();

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && ((JsonOptions) o).toJson().equals(toJson());
  }

  @Override
  public final int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return toJson().encode().replaceAll("\"password\":\"(\\\\.|[^\"\\\\])*\"", "\"password\":\"***\"");
  }
}
