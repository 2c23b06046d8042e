/** Every name the generated code uses, derived from spec names in one place. */

/**
 * Resources whose namespace is not the regular lowerCamelCase plural: singletons and
 * uncountables. Every other resource follows `pluralize(lowerCamel(resource))`.
 */
export const IRREGULAR_NAMESPACES: Readonly<Record<string, string>> = {
  History: 'history',
  Site: 'site',
};

/** `GroupUser` → `groupUser`. */
export function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** `groupUser` / `user_id` → `GroupUser` / `UserId`. */
export function pascal(name: string): string {
  return name
    .split(/[_\s-]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** `user_id` → `userId`. */
export function camel(name: string): string {
  return lowerCamel(pascal(name));
}

/** `As2IncomingMessage` → `as2-incoming-message`, `InboundS3Log` → `inbound-s3-log`. */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** English plural of a camelCase word: `policy` → `policies`, `address` → `addresses`. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** Client namespace of a resource: `User` → `users`, `History` → `history`. */
export function namespaceOf(resource: string): string {
  return IRREGULAR_NAMESPACES[resource] ?? pluralize(lowerCamel(resource));
}

/** Module file of a resource, below `src/generated/resources/`: `group-users.ts`. */
export function resourceFile(resource: string): string {
  return `${kebab(namespaceOf(resource))}.ts`;
}

/** Module file of a model, below `src/generated/models/`: `group-user.ts`. */
export function modelFile(model: string): string {
  return `${kebab(model)}.ts`;
}

/** `User` → `UserSchema`. */
export function schemaName(model: string): string {
  return `${model}Schema`;
}

/** `User`, `list` → `UserListParams`. */
export function paramsInterfaceName(resource: string, method: string): string {
  return `${resource}${pascal(method)}Params`;
}

/** `User`, `list` → `userListOp` (the `OperationSpec` constant). */
export function operationConstName(resource: string, method: string): string {
  return `${lowerCamel(resource)}${pascal(method)}Op`;
}

/** `users` → `UsersNamespace`. */
export function namespaceInterfaceName(namespace: string): string {
  return `${pascal(namespace)}Namespace`;
}

/** `users` → `createUsers`. */
export function factoryName(namespace: string): string {
  return `create${pascal(namespace)}`;
}

/** Positional argument name of a path parameter: `user_id` → `userId`. */
export function pathArgName(param: string): string {
  return camel(param);
}

/** `resendWelcomeEmail` → `resend welcome email`. */
export function words(identifier: string): string {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}
