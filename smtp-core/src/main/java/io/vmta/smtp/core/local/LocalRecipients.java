package io.vmta.smtp.core.local;

import io.vmta.smtp.core.MailAddress;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who is local: the domains this MTA is the final destination for, the users (mailboxes) in
 * them and the aliases that point elsewhere. Addresses are compared without case: local parts
 * of our own users are case-insensitive here (RFC 5321 2.4 leaves that to the receiving host).
 *
 * <p>An address of a local domain is looked up as Postfix's virtual(5) does: the address itself
 * (a user or an alias), then without its extension when a recipient delimiter is set
 * ({@code alice+lists@example.org} is {@code alice@example.org}), then the domain's catch-all alias
 * ({@code @example.org}), then the role addresses {@code postmaster} (RFC 5321 4.5.1) and
 * {@code abuse} (RFC 2142), which are always accepted.
 */
public final class LocalRecipients {

  /** How far aliases may point to other aliases before expansion gives up. */
  public static final int MAX_ALIAS_DEPTH = 10;

  /** What an address is to this MTA. */
  public enum Kind {
    /** A mailbox of a configured user. */
    USER,
    /** An alias that expands to other addresses. */
    ALIAS,
    /**
     * postmaster (RFC 5321 4.5.1) or abuse (RFC 2142) of a local domain with no user, alias or
     * catch-all for it: delivered to a mailbox of that name.
     */
    POSTMASTER,
    /** In a local domain, but nobody of that name. */
    UNKNOWN,
    /** Not in a local domain. */
    REMOTE
  }

  /** Local parts accepted in every local domain, as postmaster is. */
  private static final Set<String> ROLES = Set.of("postmaster", "abuse");

  private final Set<String> domains;
  private final Set<String> users;
  private final Map<String, List<String>> aliases;
  private final String delimiters;

  /** Without subaddressing; all arguments are copied; addresses and domains are lower-cased. */
  public LocalRecipients(Collection<String> domains, Collection<String> users,
                         Map<String, ? extends Collection<String>> aliases) {
    this(domains, users, aliases, "");
  }

  /**
   * All arguments are copied; addresses and domains are lower-cased. An alias key {@code @domain}
   * is that domain's catch-all. Each character of {@code recipientDelimiter} separates a local
   * part from its extension ({@code ""}: no subaddressing).
   */
  public LocalRecipients(Collection<String> domains, Collection<String> users,
                         Map<String, ? extends Collection<String>> aliases, String recipientDelimiter) {
    this.delimiters = recipientDelimiter == null ? "" : recipientDelimiter;
    this.domains = domains.stream().map(LocalRecipients::lower).collect(Collectors.toUnmodifiableSet());
    this.users = users.stream().map(LocalRecipients::lower).collect(Collectors.toUnmodifiableSet());
    this.aliases = aliases.entrySet().stream().collect(Collectors.toUnmodifiableMap(
        e -> lower(e.getKey()), e -> e.getValue().stream().map(LocalRecipients::lower).toList()));
  }

  /** The local domains, lower-cased A-labels. */
  public Set<String> domains() {
    return domains;
  }

  /** Whether mail for {@code domain} ends here. */
  public boolean isLocalDomain(String domain) {
    return domains.contains(lower(domain));
  }

  /** Classifies {@code address} ({@code local@domain}). */
  public Kind classify(String address) {
    String a = lower(address);
    int at = a.lastIndexOf('@');
    if (at < 0 || !domains.contains(a.substring(at + 1))) {
      return Kind.REMOTE;
    }
    if (users.contains(a)) {
      return Kind.USER;
    }
    if (aliases.containsKey(a)) {
      return Kind.ALIAS;
    }
    String base = withoutExtension(a, at);
    if (base != null && users.contains(base)) {
      return Kind.USER;
    }
    if (base != null && aliases.containsKey(base)) {
      return Kind.ALIAS;
    }
    if (aliases.containsKey(a.substring(at))) {
      return Kind.ALIAS;
    }
    return ROLES.contains(a.substring(0, at)) ? Kind.POSTMASTER : Kind.UNKNOWN;
  }

  /**
   * {@code address} (lower case, {@code @} at {@code at}) without its extension: the local part up
   * to its first delimiter; null without a delimiter, or when the part before it is empty.
   */
  private String withoutExtension(String address, int at) {
    if (delimiters.isEmpty()) {
      return null;
    }
    for (int i = 1; i < at; i++) {
      if (delimiters.indexOf(address.charAt(i)) >= 0) {
        return address.substring(0, i) + address.substring(at);
      }
    }
    return null;
  }

  /**
   * What a local address stands for when it is neither a user nor an alias itself: its form
   * without extension (a user, or that alias's targets), else its domain's catch-all targets;
   * null when nothing applies (a user, a role address, a remote or unknown address).
   */
  private List<String> targetsOf(String key) {
    List<String> targets = aliases.get(key);
    if (targets != null) {
      return targets;
    }
    int at = key.lastIndexOf('@');
    if (at < 0 || !domains.contains(key.substring(at + 1)) || users.contains(key)) {
      return null;
    }
    String base = withoutExtension(key, at);
    if (base != null && users.contains(base)) {
      return List.of(base);
    }
    if (base != null && aliases.containsKey(base)) {
      return aliases.get(base);
    }
    return aliases.get(key.substring(at));
  }

  /**
   * Whether the user logged in as {@code login} may use {@code address} as its sender: its own
   * address, or an alias that points to it directly.
   */
  public boolean mayUse(String login, String address) {
    String l = lower(login);
    String a = lower(address);
    if (a.equals(l)) {
      return true;
    }
    List<String> targets = aliases.get(a);
    if (targets != null && targets.contains(l)) {
      return true;
    }
    // alice may send as alice+lists: the extension is hers too.
    int at = a.lastIndexOf('@');
    return at > 0 && l.equals(withoutExtension(a, at));
  }

  /**
   * Replaces aliases by what they point to, recursively up to {@link #MAX_ALIAS_DEPTH}, and
   * removes duplicates (ignoring case), keeping the first-seen spelling and order. An alias loop or one pointing too deep ends in
   * the addresses reached so far; an alias that names itself also delivers to a mailbox of that
   * name, which lets {@code a -> [a, b]} keep a copy.
   */
  public List<String> expand(Collection<String> recipients) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    Deque<String[]> work = new ArrayDeque<>();
    for (String r : recipients) {
      work.add(new String[] {r, "0"});
    }
    Set<String> seenAliases = new LinkedHashSet<>();
    while (!work.isEmpty()) {
      String[] item = work.poll();
      String address = item[0];
      int depth = Integer.parseInt(item[1]);
      String key = lower(address);
      List<String> targets = targetsOf(key);
      if (targets == null || depth >= MAX_ALIAS_DEPTH || !seenAliases.add(key)) {
        out.putIfAbsent(key, targets == null ? address : key);
        continue;
      }
      for (String t : targets) {
        if (t.equals(key)) {
          out.putIfAbsent(key, key);
        } else {
          work.add(new String[] {t, Integer.toString(depth + 1)});
        }
      }
    }
    return new ArrayList<>(out.values());
  }

  /**
   * The form addresses are compared in: lower case, and a quoted local part that is a dot-atom
   * unquoted ({@code "alice"@x} is {@code alice@x}, RFC 5321 4.1.2) as {@link MailAddress} does.
   */
  private static String lower(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("\"")) {
      return lower;
    }
    try {
      return MailAddress.parse(lower).toString();
    } catch (IllegalArgumentException notAnAddress) {
      return lower;
    }
  }
}
