; Shared by the typescript and tsx grammars.

; Definitions
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(function_signature name: (identifier) @name) @definition.function
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
; methods, method signatures, and class fields holding a function: functions in a class or interface are methods
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.function
(method_signature name: [(property_identifier) (private_property_identifier)] @name) @definition.function
(abstract_method_signature name: [(property_identifier) (private_property_identifier)] @name) @definition.function
(public_field_definition
  name: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function body: (_) @body) (function_expression body: (_) @body)]) @definition.function
; `namespace Foo {}` / `module Foo {}` only name what they hold
(internal_module name: [(identifier) (nested_identifier)] @name) @scope.namespace
(module name: [(identifier) (nested_identifier)] @name) @scope.namespace

; References: calls (plain and method), constructed classes, base classes and interfaces, JSX components,
; names passed on, and types in type positions
(call_expression function: (identifier) @reference)
(call_expression function: (member_expression property: (property_identifier) @reference))
(new_expression constructor: (identifier) @reference)
(new_expression constructor: (member_expression property: (property_identifier) @reference))
(extends_clause value: (identifier) @reference)
(extends_clause value: (member_expression property: (property_identifier) @reference))
(member_expression object: (identifier) @reference)
(arguments (identifier) @reference)
(type_annotation (type_identifier) @reference)
(generic_type name: (type_identifier) @reference)
(nested_type_identifier name: (type_identifier) @reference)
(type_arguments (type_identifier) @reference)
(implements_clause (type_identifier) @reference)
(extends_type_clause type: (type_identifier) @reference)
(constraint (type_identifier) @reference)
(default_type (type_identifier) @reference)
(array_type (type_identifier) @reference)
(union_type (type_identifier) @reference)
(intersection_type (type_identifier) @reference)
(tuple_type (type_identifier) @reference)
(parenthesized_type (type_identifier) @reference)
(lookup_type (type_identifier) @reference)
(type_predicate type: (type_identifier) @reference)
(function_type return_type: (type_identifier) @reference)
(type_alias_declaration value: (type_identifier) @reference)
(as_expression (type_identifier) @reference)
(satisfies_expression (type_identifier) @reference)
; JSX components, `<Button ...>` / `<ui.Card ...>`: the typescript grammar has no jsx_* nodes, so the tag is matched
; by its shape (a "<" token and a name field), which in both grammars only a JSX opening tag has
(_ "<" name: [(identifier) @reference (member_expression property: (property_identifier) @reference)]
  (#match? @reference "^[A-Z]"))
