; Definitions. A decorated one starts at its first decorator: the wrapper comes first, and the extractor drops
; the plain match of the same def inside it
(decorated_definition definition: (function_definition name: (identifier) @name)) @definition.function
(decorated_definition definition: (class_definition name: (identifier) @name)) @definition.class
(function_definition name: (identifier) @name) @definition.function
(class_definition name: (identifier) @name) @definition.class
(module (expression_statement (assignment left: (identifier) @name) @definition.constant))

; References: what is called, its attribute calls, types, bases, decorators and names passed on
(call function: (identifier) @reference)
(call function: (attribute attribute: (identifier) @reference))
(type (identifier) @reference)
(argument_list (identifier) @reference)
(decorator (identifier) @reference)
(attribute object: (identifier) @reference)
