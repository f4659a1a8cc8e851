; Definitions
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(union_item name: (type_identifier) @name) @definition.union
(trait_item name: (type_identifier) @name) @definition.trait
(type_item name: (type_identifier) @name) @definition.type
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
(mod_item name: (identifier) @name body: (declaration_list)) @definition.module
; a macro's signature is `macro_rules! name`, not its rules
(macro_definition name: (identifier) @name ["{" "(" "["] @body) @definition.macro

; An impl block names the type its functions belong to (Foo, Foo<T>, path::Foo, &Foo)
(impl_item
  type: [
    (type_identifier) @name
    (generic_type type: (type_identifier) @name)
    (generic_type type: (scoped_type_identifier name: (type_identifier) @name))
    (scoped_type_identifier name: (type_identifier) @name)
    (reference_type type: (type_identifier) @name)
  ]) @scope.impl

; References: calls (plain, method, path::call), macros, types in type positions, names passed on
(call_expression function: (identifier) @reference)
(call_expression function: (field_expression field: (field_identifier) @reference))
(call_expression function: (scoped_identifier name: (identifier) @reference))
(call_expression function: (generic_function function: (identifier) @reference))
(call_expression function: (generic_function function: (scoped_identifier name: (identifier) @reference)))
(call_expression function: (generic_function function: (field_expression field: (field_identifier) @reference)))
(scoped_identifier path: (identifier) @reference)
(scoped_identifier path: (scoped_identifier name: (identifier) @reference))
(macro_invocation macro: (identifier) @reference)
(arguments (identifier) @reference)
(struct_expression name: (type_identifier) @reference)
(scoped_type_identifier name: (type_identifier) @reference)
(generic_type type: (type_identifier) @reference)
(type_arguments (type_identifier) @reference)
(trait_bounds (type_identifier) @reference)
(impl_item trait: (type_identifier) @reference)
(impl_item type: (type_identifier) @reference)
(function_item return_type: (type_identifier) @reference)
(function_signature_item return_type: (type_identifier) @reference)
(parameter type: (type_identifier) @reference)
(field_declaration type: (type_identifier) @reference)
(ordered_field_declaration_list type: (type_identifier) @reference)
(let_declaration type: (type_identifier) @reference)
(reference_type type: (type_identifier) @reference)
(pointer_type type: (type_identifier) @reference)
(array_type element: (type_identifier) @reference)
(tuple_type (type_identifier) @reference)
(const_item type: (type_identifier) @reference)
(static_item type: (type_identifier) @reference)
(type_item type: (type_identifier) @reference)
(dynamic_type trait: (type_identifier) @reference)
(abstract_type trait: (type_identifier) @reference)
