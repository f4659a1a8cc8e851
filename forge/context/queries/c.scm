; Functions: the name sits inside the declarator (`f(...)`, `*f(...)`, `**f(...)`, `(*f(...))(...)` for a function
; returning a function pointer); prototypes count too
(function_definition
  declarator: [
    (function_declarator declarator: (identifier) @name)
    (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))
    (function_declarator declarator: (parenthesized_declarator
      (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))))
  ]) @definition.function
(declaration
  declarator: [
    (function_declarator declarator: (identifier) @name)
    (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))
  ]) @definition.function

; Tagged types with a body (a bare `struct node *p` is a reference)
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.union
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum

; typedefs: `typedef struct {...} T` is the struct T; in `typedef struct tag {...} T` the struct is `tag`, and the
; type T is just its name (the whole typedef would put struct tag inside T); any other typedef is a type
(type_definition type: (struct_specifier !name body: (_)) declarator: (type_identifier) @name) @definition.struct
(type_definition type: (union_specifier !name body: (_)) declarator: (type_identifier) @name) @definition.union
(type_definition type: (enum_specifier !name body: (_)) declarator: (type_identifier) @name) @definition.enum
(type_definition
  type: [(struct_specifier name: (_) body: (_)) (union_specifier name: (_) body: (_)) (enum_specifier name: (_) body: (_))]
  declarator: (type_identifier) @name @definition.type)
(type_definition
  type: [
    (primitive_type) (sized_type_specifier) (type_identifier) (macro_type_specifier)
    (struct_specifier !body) (union_specifier !body) (enum_specifier !body)
  ]
  declarator: [
    (type_identifier) @name
    (pointer_declarator declarator: (type_identifier) @name)
    (array_declarator declarator: (type_identifier) @name)
    (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (type_identifier) @name)))
  ]) @definition.type

; Constants: object-like macros with a value (not include guards), function-like macros, enumerators, file-level consts
(preproc_def name: (identifier) @name value: (_)) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.macro
(enumerator name: (identifier) @name) @definition.constant
(translation_unit
  (declaration (type_qualifier "const") declarator: (init_declarator declarator: (identifier) @name)) @definition.constant)

; References: calls (plain and through a struct member), types in type positions, names passed on
(call_expression function: (identifier) @reference)
(call_expression function: (field_expression field: (field_identifier) @reference))
(argument_list (identifier) @reference)
(declaration type: (type_identifier) @reference)
(parameter_declaration type: (type_identifier) @reference)
(field_declaration type: (type_identifier) @reference)
(function_definition type: (type_identifier) @reference)
(type_definition type: (type_identifier) @reference)
(type_descriptor type: (type_identifier) @reference)
(struct_specifier name: (type_identifier) @reference !body)
(union_specifier name: (type_identifier) @reference !body)
(enum_specifier name: (type_identifier) @reference !body)
